using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Proxy.Tests.Listeners;

/// <summary>Raw TCP clients for byte-level listener tests; every read is bounded.</summary>
internal static class RawSocket
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    /// <summary>Everything the server sends until it closes the connection.</summary>
    /// <param name="untilReset">
    /// A reset ends the read too: a server that rejects a request may reset the connection while request bytes are
    /// still unread, and what it sent before that is its answer.
    /// </param>
    public static async Task<string> ReadToEndAsync(Socket socket, bool untilReset = false)
    {
        using var cts = new CancellationTokenSource(Bound);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException) when (untilReset)
        {
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>Waits (bounded) for the server to close the connection; true when it did, by FIN or reset.</summary>
    public static async Task<bool> ReadUntilClosedAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Bound);
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true; // reset by the server counts as closed
        }
    }
}
