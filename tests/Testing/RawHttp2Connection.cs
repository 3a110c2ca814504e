using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Testing;

/// <summary>
/// A hand-driven HTTP/2 client connection on 127.0.0.1, cleartext (h2c prior knowledge) or TLS (ALPN h2): sends
/// header blocks byte for byte as given (HPACK literals without indexing, so invalid names and values reach the
/// server unchanged), DATA frames, any raw frame, or many frames in one write (floods, rapid reset); decodes the
/// answers (HPACK with the static and dynamic tables, no Huffman, which Kestrel does not use). Every read is bounded.
/// </summary>
public sealed class RawHttp2Connection : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly Socket? _socket;
    private readonly Stream _stream;
    private readonly HpackDecoder _decoder = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private RawHttp2Connection(Socket? socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    /// <summary>
    /// Frames over <paramref name="stream"/>, which the caller owns and on which it sends the preface (and SETTINGS)
    /// itself, e.g. byte by byte.
    /// </summary>
    public static RawHttp2Connection Attach(Stream stream) => new(null, stream);

    /// <summary>
    /// Connects and sends the preface and an empty SETTINGS, and reads nothing: the server's SETTINGS is the first frame
    /// the caller reads, and the caller acknowledges it or not.
    /// </summary>
    public static async Task<RawHttp2Connection> OpenAsync(int port, bool tls = false, CancellationToken ct = default)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = "localhost",
                        ApplicationProtocols = [SslApplicationProtocol.Http2],
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
                    },
                    ct);
                if (ssl.NegotiatedApplicationProtocol != SslApplicationProtocol.Http2)
                {
                    throw new InvalidOperationException("the server did not select h2 in ALPN");
                }
            }

            await stream.WriteAsync(Preface, ct);
            await stream.WriteAsync(RawHttp2Frame.Encode(RawHttp2Frame.Settings, 0, 0, []), ct);
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            socket.Dispose();
            throw;
        }

        return new RawHttp2Connection(socket, stream);
    }

    /// <summary><see cref="OpenAsync"/>, then waits for the server's SETTINGS and acknowledges it.</summary>
    public static async Task<RawHttp2Connection> ConnectAsync(int port, bool tls = false, CancellationToken ct = default)
    {
        var connection = await OpenAsync(port, tls, ct);
        try
        {
            var settings = await connection.ReadFrameAsync();
            if (settings.Type != RawHttp2Frame.Settings)
            {
                throw new InvalidDataException($"expected the server's SETTINGS, got frame type {settings.Type}");
            }

            await connection.SendFrameAsync(RawHttp2Frame.Settings, RawHttp2Frame.Ack, 0, ReadOnlyMemory<byte>.Empty, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A header block with every field as a literal without indexing, new name (RFC 7541 §6.2.2): names and values go
    /// out as Latin-1 bytes exactly as given, upper case, spaces, colons and control characters included.
    /// </summary>
    public static byte[] EncodeHeaders(IEnumerable<(string Name, string Value)> headers)
    {
        var block = new List<byte>();
        foreach (var (name, value) in headers)
        {
            block.Add(0x00);
            AddString(block, name);
            AddString(block, value);
        }

        return [.. block];
    }

    /// <summary>
    /// The pseudo-header fields of a cleartext GET in few bytes: :method and :scheme indexed from the static table,
    /// :path and :authority literals with indexed names, so a flood of requests costs the client as little as it can.
    /// </summary>
    public static byte[] EncodeGet(string path, string authority)
    {
        var block = new List<byte> { 0x82, 0x86 }; // static 2 ":method: GET", static 6 ":scheme: http"
        AddInteger(block, 0x00, 4, 4); // ":path"
        AddString(block, path);
        AddInteger(block, 0x00, 4, 1); // ":authority"
        AddString(block, authority);
        return [.. block];
    }

    /// <summary>HEADERS (END_HEADERS, and END_STREAM when <paramref name="endStream"/>) with <see cref="EncodeHeaders"/>.</summary>
    public Task SendHeadersAsync(int streamId, IEnumerable<(string Name, string Value)> headers, bool endStream, CancellationToken ct = default) =>
        SendFrameAsync(RawHttp2Frame.Headers, (byte)(RawHttp2Frame.EndHeaders | (endStream ? RawHttp2Frame.EndStream : 0)), streamId, EncodeHeaders(headers), ct);

    public Task SendDataAsync(int streamId, ReadOnlyMemory<byte> data, bool endStream, CancellationToken ct = default) =>
        SendFrameAsync(RawHttp2Frame.Data, endStream ? RawHttp2Frame.EndStream : (byte)0, streamId, data, ct);

    public Task SendFrameAsync(byte type, byte flags, int streamId, ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        SendAsync(RawHttp2Frame.Encode(type, flags, streamId, payload.Span), ct);

    /// <summary>Writes <paramref name="frames"/> as they are, in one write: e.g. many frames made with <see cref="RawHttp2Frame.Encode"/>.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> frames, CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await _stream.WriteAsync(frames, ct);
            await _stream.FlushAsync(ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next frame; throws <see cref="EndOfStreamException"/> when the connection closes first.</summary>
    public async Task<RawHttp2Frame> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var header = new byte[9];
        await _stream.ReadExactlyAsync(header, timeout.Token);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, timeout.Token);
        return new RawHttp2Frame(header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF, payload);
    }

    /// <summary>
    /// Reads frames until <paramref name="streamId"/> ends (END_STREAM or RST_STREAM), the server sends GOAWAY, or the
    /// connection closes; answers SETTINGS and PING on the way and decodes every header block to keep HPACK in step.
    /// </summary>
    public async Task<RawHttp2Response> ReadResponseAsync(int streamId)
    {
        int? status = null;
        var headers = new List<KeyValuePair<string, string>>();
        var body = new MemoryStream();
        while (true)
        {
            RawHttp2Frame frame;
            try
            {
                frame = await ReadFrameAsync();
            }
            catch (Exception e) when (e is EndOfStreamException or IOException)
            {
                return new RawHttp2Response(status, headers, body.ToArray(), null, null, ConnectionClosed: true);
            }

            switch (frame.Type)
            {
                case RawHttp2Frame.Settings when (frame.Flags & RawHttp2Frame.Ack) == 0:
                    await SendFrameAsync(RawHttp2Frame.Settings, RawHttp2Frame.Ack, 0, ReadOnlyMemory<byte>.Empty);
                    continue;
                case RawHttp2Frame.Ping when (frame.Flags & RawHttp2Frame.Ack) == 0:
                    await SendFrameAsync(RawHttp2Frame.Ping, RawHttp2Frame.Ack, 0, frame.Payload);
                    continue;
                case RawHttp2Frame.GoAway:
                    if (frame.ErrorCode == RawHttp2ErrorCode.NoError && frame.LastStreamId >= streamId)
                    {
                        // A graceful GOAWAY: the server still answers this stream; keep reading.
                        continue;
                    }

                    return new RawHttp2Response(status, headers, body.ToArray(), null, frame.ErrorCode, ConnectionClosed: false);
                case RawHttp2Frame.Headers:
                    var fields = _decoder.Decode(HeaderBlockOf(frame));
                    if (frame.StreamId != streamId)
                    {
                        continue;
                    }

                    foreach (var field in fields)
                    {
                        if (field.Key == ":status")
                        {
                            status = int.Parse(field.Value, System.Globalization.CultureInfo.InvariantCulture);
                        }
                        else
                        {
                            headers.Add(field);
                        }
                    }

                    break;
                case RawHttp2Frame.Data when frame.StreamId == streamId:
                    body.Write(DataOf(frame));
                    break;
                case RawHttp2Frame.RstStream when frame.StreamId == streamId:
                    return new RawHttp2Response(status, headers, body.ToArray(), frame.ErrorCode, null, ConnectionClosed: false);
                default:
                    continue;
            }

            if (frame.StreamId == streamId && (frame.Flags & RawHttp2Frame.EndStream) != 0)
            {
                return new RawHttp2Response(status, headers, body.ToArray(), null, null, ConnectionClosed: false);
            }
        }
    }

    /// <summary>
    /// Reads frames, answering none, until the server ends the connection: returns the GOAWAY error code, or null when
    /// the connection closed (or was reset) without one. Every frame read is passed to <paramref name="onFrame"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException">No frame came and the connection stayed open for the read bound.</exception>
    public async Task<int?> ReadUntilConnectionEndsAsync(Action<RawHttp2Frame>? onFrame = null)
    {
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync();
                onFrame?.Invoke(frame);
                if (frame.Type == RawHttp2Frame.GoAway)
                {
                    return frame.ErrorCode;
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket is not null)
        {
            await _stream.DisposeAsync();
            _socket.Dispose();
        }

        _writeLock.Dispose();
    }

    private static ReadOnlySpan<byte> HeaderBlockOf(RawHttp2Frame frame)
    {
        var payload = frame.Payload.AsSpan();
        var padding = 0;
        if ((frame.Flags & 0x8) != 0)
        {
            padding = payload[0];
            payload = payload[1..];
        }

        if ((frame.Flags & 0x20) != 0)
        {
            payload = payload[5..]; // PRIORITY
        }

        return payload[..^padding];
    }

    private static ReadOnlySpan<byte> DataOf(RawHttp2Frame frame)
    {
        var payload = frame.Payload.AsSpan();
        return (frame.Flags & 0x8) == 0 ? payload : payload[1..^payload[0]];
    }

    private static void AddString(List<byte> block, string value)
    {
        var bytes = Encoding.Latin1.GetBytes(value);
        AddInteger(block, 0x00, 7, bytes.Length);
        block.AddRange(bytes);
    }

    private static void AddInteger(List<byte> block, byte flags, int prefixBits, int value)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            block.Add((byte)(flags | value));
            return;
        }

        block.Add((byte)(flags | max));
        value -= max;
        while (value >= 0x80)
        {
            block.Add((byte)((value & 0x7F) | 0x80));
            value >>= 7;
        }

        block.Add((byte)value);
    }
}
