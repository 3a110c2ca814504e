namespace Plexus.Controller.Hosting;

/// <summary>
/// Where socket completions run. By default .NET hands each completion from its epoll thread to the thread pool: a
/// thread hop, and on a busy core a context switch, per I/O. Plexus' request path is asynchronous end to end, so it runs
/// completions on the epoll threads themselves (one per core, the way nginx runs one event loop per worker): about a
/// third more HTTP/1.1 requests per second on the same core (bench/peers.sh). Kestrel's own
/// UnsafePreferInlineScheduling stays off: on top of this it made HTTP/1.1 slower (~11k instead of ~18k req/s).
/// Must be chosen before the first socket is created.
/// </summary>
internal static class SocketCompletionMode
{
    /// <summary>The runtime's switch, read once when the socket engine starts.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on unless the operator set the variable (to "0" to opt out).</summary>
    public static void InlineUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
