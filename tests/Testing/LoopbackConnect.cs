using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Plexus.Testing;

/// <summary>
/// A <see cref="SocketsHttpHandler.ConnectCallback"/> that dials 127.0.0.1 at the request's port whatever its host, so
/// that test host names (which resolve nowhere) are kept for SNI, certificate checks and Host, and nothing leaves loopback.
/// </summary>
public static class LoopbackConnect
{
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
