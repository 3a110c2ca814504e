using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Testing;

/// <summary>
/// A raw HTTP/1.x client connection on 127.0.0.1: sends exactly the bytes it is given (smuggling attempts included) and
/// parses what comes back, one response at a time. Every read is bounded, so a server that never answers fails the test.
/// </summary>
public sealed class RawHttp1Connection : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _eof;

    private RawHttp1Connection(Socket socket) => _socket = socket;

    public static async Task<RawHttp1Connection> ConnectAsync(int port, CancellationToken ct = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
        return new RawHttp1Connection(socket);
    }

    /// <summary>Sends <paramref name="request"/> as Latin-1 bytes (so "\r", "\n", "\0" go out exactly as written).</summary>
    public Task SendAsync(string request, CancellationToken ct = default) => SendAsync(Encoding.Latin1.GetBytes(request), ct);

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct = default)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes[sent..], SocketFlags.None, ct);
        }
    }

    /// <summary>
    /// Reads the next response, or null when the server closed (or reset) the connection before sending a status line.
    /// </summary>
    /// <param name="headRequest">The response answers a HEAD request (no body whatever its headers say).</param>
    public async Task<RawHttp1Response?> ReadResponseAsync(bool headRequest = false)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var statusLine = await ReadLineAsync(timeout.Token);
        if (statusLine is null)
        {
            return null;
        }

        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"not a status line: {statusLine}");
        }

        var status = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var headers = new List<KeyValuePair<string, string>>();
        while (await ReadLineAsync(timeout.Token) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        var response = new RawHttp1Response(status, headers, []);
        if (headRequest || status is 204 or 304 or < 200)
        {
            return response;
        }

        if (response.HeaderValues("Transfer-Encoding").Any(v => v.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            return response with { Body = await ReadChunkedAsync(timeout.Token) };
        }

        if (response.HeaderValues("Content-Length").FirstOrDefault() is { } length)
        {
            return response with { Body = await ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), timeout.Token) };
        }

        return response with { Body = await ReadToEndAsync(timeout.Token) };
    }

    /// <summary>True when the server closes the connection (EOF or reset) within the bound with no further bytes; fails on bytes.</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            if (_start < _end || await FillAsync(timeout.Token))
            {
                throw new InvalidDataException($"unexpected bytes after the last response: {Encoding.Latin1.GetString(_buffer, _start, _end - _start)}");
            }

            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                return line.Length == 0 ? null : throw new IOException($"connection closed mid-line: {line}");
            }

            var b = _buffer[_start++];
            if (b == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)b);
        }
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken ct)
    {
        var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(ct) ?? throw new IOException("connection closed inside a chunked body");
            var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while (await ReadLineAsync(ct) is { Length: > 0 })
                {
                    // trailers
                }

                return body.ToArray();
            }

            body.Write(await ReadExactlyAsync(size, ct));
            await ReadLineAsync(ct);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        var offset = 0;
        while (offset < count)
        {
            if (_start == _end && !await FillAsync(ct))
            {
                throw new IOException($"connection closed after {offset} of {count} body bytes");
            }

            var n = Math.Min(count - offset, _end - _start);
            Array.Copy(_buffer, _start, result, offset, n);
            _start += n;
            offset += n;
        }

        return result;
    }

    private async Task<byte[]> ReadToEndAsync(CancellationToken ct)
    {
        var body = new MemoryStream();
        do
        {
            body.Write(_buffer, _start, _end - _start);
            _start = _end;
        }
        while (await FillAsync(ct));
        return body.ToArray();
    }

    /// <returns>False at EOF or on a reset (both mean the server closed the connection).</returns>
    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_eof)
        {
            return false;
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }

        try
        {
            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
            _end += read;
            _eof = read == 0;
            return read > 0;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            _eof = true;
            return false;
        }
    }
}
