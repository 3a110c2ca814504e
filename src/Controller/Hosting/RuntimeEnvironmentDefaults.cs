namespace Plexus.Controller.Hosting;

/// <summary>
/// Runtime switches that .NET reads from the environment once, at first use, set to Plexus' defaults at the start of
/// Main unless the operator set them (then the operator's value stands, "0" included). Each was measured with
/// bench/peers.sh and bench/floor.sh (README, Performance).
/// </summary>
internal static class RuntimeEnvironmentDefaults
{
    /// <summary>
    /// .NET's switch that runs socket completions on the epoll threads instead of handing them to the thread pool: one
    /// thread hop, and on a busy core one context switch, less per I/O (measured at about a third more HTTP/1.1 requests
    /// per second on the same core, README "Performance"). Not set here, so .NET's default (off) holds: in that mode any
    /// code that blocks in a continuation of a socket operation stalls every socket served by that epoll thread, and a
    /// library in the process (KubernetesClient, the OTLP exporter, ...) is not ours to prove free of that. Operators who
    /// want the throughput set it to "1" (chart value <c>inlineSocketCompletions</c>); the request path is asynchronous end
    /// to end and KubernetesClient's synchronous body reads continue on the thread pool
    /// (<see cref="Sources.Kubernetes.ThreadPoolContinuationHandler"/>). Kestrel's own UnsafePreferInlineScheduling stays
    /// off: on top of this it made HTTP/1.1 slower (~11k instead of ~18k req/s).
    /// </summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// How many arrays of one size each partition (one per core) of <c>ArrayPool.Shared</c> keeps; .NET's default is 32.
    /// YARP rents a 64 KB copy buffer per proxied response, and HTTP/2 keeps one per open stream: with 256 streams in
    /// flight most rents missed the pool and allocated, about 40 KB of garbage per h2c request. At 512 it is about 3 KB
    /// and h2c → h2c serves about a third more requests per second at the same peak memory. The pool only ever holds as
    /// many arrays as were out at once, and gives unused ones back on full collections.
    /// </summary>
    public const string ArraysPerPoolPartition = "DOTNET_SYSTEM_BUFFERS_SHAREDARRAYPOOL_MAXARRAYSPERPARTITION";

    private static readonly (string Variable, string Value)[] Defaults =
    [
        (ArraysPerPoolPartition, "512"),
    ];

    /// <summary>Sets each default the environment does not already set. Must run before the first socket and the first pooled array.</summary>
    public static void Apply() => Apply(Environment.GetEnvironmentVariable, Environment.SetEnvironmentVariable);

    internal static void Apply(Func<string, string?> get, Action<string, string> set)
    {
        foreach (var (variable, value) in Defaults)
        {
            if (get(variable) is null)
            {
                set(variable, value);
            }
        }
    }
}
