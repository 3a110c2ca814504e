using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Testing;

/// <summary>How a <see cref="MisbehavingServer"/> treats each connection.</summary>
public enum Misbehavior
{
    /// <summary>Accepts, reads whatever comes, never answers.</summary>
    NeverAnswer,

    /// <summary>Accepts and at once resets the connection (SO_LINGER 0, so an RST, not a FIN).</summary>
    ResetOnAccept,

    /// <summary>Answers the first bytes with a raw "HTTP/1.1 400 Bad Request" and closes, as nginx does to an h2c preface.</summary>
    AnswerHttp11BadRequest,

    /// <summary>Reads the request head, sends half a response head, then closes the connection.</summary>
    CloseMidResponse,

    /// <summary>
    /// Answers every request head with "200 ok" (Content-Length: 2) followed, in the same write, by a second complete
    /// response nobody asked for (<see cref="MisbehavingServer.SmuggledBody"/>), and keeps the connection open.
    /// </summary>
    BytesAfterBody,
}

/// <summary>A raw TCP server on 127.0.0.1 (ephemeral port) that misbehaves in one chosen way.</summary>
public sealed class MisbehavingServer : IAsyncDisposable
{
    private static readonly byte[] BadRequest = Encoding.ASCII.GetBytes(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request");

    /// <summary>The body of the unrequested response <see cref="Misbehavior.BytesAfterBody"/> sends.</summary>
    public const string SmuggledBody = "smuggled";

    private static readonly byte[] ResponseWithTrailingBytes = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n" + SmuggledBody);

    private static readonly byte[] HalfResponse = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Len");

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _accepted;

    private MisbehavingServer(Misbehavior behavior)
    {
        Behavior = behavior;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public Misbehavior Behavior { get; }

    public string Host { get; } = "127.0.0.1";

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int AcceptedConnections => Volatile.Read(ref _accepted);

    public static MisbehavingServer Start(Misbehavior behavior) => new(behavior);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop this way.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = new byte[16 * 1024];
        try
        {
            switch (Behavior)
            {
                case Misbehavior.ResetOnAccept:
                    socket.LingerState = new LingerOption(enable: true, seconds: 0);
                    socket.Close();
                    return;
                case Misbehavior.NeverAnswer:
                    while (await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) > 0)
                    {
                    }

                    return;
                case Misbehavior.AnswerHttp11BadRequest:
                    if (await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token) > 0)
                    {
                        await socket.SendAsync(BadRequest, SocketFlags.None, _stop.Token);
                    }

                    socket.Shutdown(SocketShutdown.Send);
                    return;
                case Misbehavior.CloseMidResponse:
                    await ReadUntilHeadEndAsync(socket, buffer);
                    await socket.SendAsync(HalfResponse, SocketFlags.None, _stop.Token);
                    socket.Shutdown(SocketShutdown.Send);
                    return;
                case Misbehavior.BytesAfterBody:
                    while (await ReadOneRequestHeadAsync(socket, buffer))
                    {
                        await socket.SendAsync(ResponseWithTrailingBytes, SocketFlags.None, _stop.Token);
                    }

                    return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The peer went away or the server stops: nothing to do either way.
        }
    }

    // Reads whole chunks until one holds a blank line: whatever else arrived (an h2c preface's tail) is consumed too,
    // so closing afterwards sends a FIN, not the RST that unread data would cause.
    private async Task ReadUntilHeadEndAsync(Socket socket, byte[] buffer)
    {
        var head = new StringBuilder();
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
        {
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            if (head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                return;
            }
        }
    }

    /// <returns>False when the connection closed before a whole head arrived.</returns>
    /// <remarks>Only for bodiless requests: it reads until the blank line, byte by byte, so nothing of a following request is consumed.</remarks>
    private async Task<bool> ReadOneRequestHeadAsync(Socket socket, byte[] buffer)
    {
        var head = new StringBuilder();
        while (await socket.ReceiveAsync(buffer.AsMemory(0, 1), SocketFlags.None, _stop.Token) > 0)
        {
            head.Append((char)buffer[0]);
            if (head.Length >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A loopback port nobody listens on: bound to get a free number, then closed.</summary>
public static class ClosedPort
{
    public static int Get()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
