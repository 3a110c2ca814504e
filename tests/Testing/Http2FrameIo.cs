using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Testing;

/// <summary>Just enough HTTP/2 framing to drive a server by hand (raw sockets, byte-level control).</summary>
/// <remarks>Frame types used by tests: DATA 0x0, HEADERS 0x1, RST_STREAM 0x3, SETTINGS 0x4, GOAWAY 0x7, CONTINUATION 0x9.</remarks>
public static class Http2FrameIo
{
    public const byte Headers = 0x1;
    public const byte RstStream = 0x3;
    public const byte Settings = 0x4;
    public const byte GoAway = 0x7;
    public const byte Continuation = 0x9;

    public const byte EndStream = 0x1;
    public const byte EndHeaders = 0x4;

    /// <summary>HTTP/2 error codes (RFC 9113 section 7).</summary>
    public const int Cancel = 0x8;
    public const int RefusedStream = 0x7;
    public const int EnhanceYourCalm = 0xb;

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static Task SendFrameAsync(Socket socket, byte type, byte flags, int streamId, byte[] payload) =>
        SendFrameAsync(new NetworkStream(socket, ownsSocket: false), type, flags, streamId, payload);

    public static Task<(byte Type, byte Flags, int StreamId, byte[] Payload)> ReadFrameAsync(Socket socket) =>
        ReadFrameAsync(new NetworkStream(socket, ownsSocket: false));

    public static Task<string> ReadResponseBodyAsync(Socket socket, int streamId) =>
        ReadResponseBodyAsync(new NetworkStream(socket, ownsSocket: false), streamId);

    /// <summary>One frame as bytes, to batch many frames into one write.</summary>
    public static byte[] Frame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame.AsSpan(9));
        return frame;
    }

    /// <summary>RST_STREAM payload: the error code.</summary>
    public static byte[] ErrorCode(int code)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, code);
        return payload;
    }

    public static async Task SendFrameAsync(Stream stream, byte type, byte flags, int streamId, byte[] payload)
    {
        await stream.WriteAsync(Frame(type, flags, streamId, payload));
        await stream.FlushAsync();
    }

    /// <summary>The client preface and an empty SETTINGS frame.</summary>
    public static async Task StartConnectionAsync(Stream stream)
    {
        await stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        await SendFrameAsync(stream, Settings, flags: 0, streamId: 0, payload: []);
    }

    /// <exception cref="EndOfStreamException">The connection closed before the frame was complete.</exception>
    public static async Task<(byte Type, byte Flags, int StreamId, byte[] Payload)> ReadFrameAsync(Stream stream)
    {
        var header = await ReadExactlyAsync(stream, 9);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF;
        var payload = await ReadExactlyAsync(stream, length);
        return (header[3], header[4], streamId, payload);
    }

    /// <exception cref="InvalidOperationException">The stream was reset or the connection went away first.</exception>
    public static async Task<string> ReadResponseBodyAsync(Stream stream, int streamId)
    {
        var body = new MemoryStream();
        while (true)
        {
            var frame = await ReadFrameAsync(stream);
            if (frame.Type is RstStream or GoAway)
            {
                throw new InvalidOperationException($"frame type {frame.Type} on stream {frame.StreamId} before the response of stream {streamId} was complete");
            }

            if (frame.StreamId != streamId)
            {
                continue;
            }

            if (frame.Type == 0x0)
            {
                body.Write(frame.Payload);
            }

            if ((frame.Flags & EndStream) != 0 && frame.Type is 0x0 or Headers)
            {
                return Encoding.ASCII.GetString(body.ToArray());
            }
        }
    }

    /// <summary>
    /// Reads frames until the server ends the connection: returns the GOAWAY error code, or null when the connection
    /// closed (or was reset) without one. Every frame read is passed to <paramref name="onFrame"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException">The connection was still open after the bound.</exception>
    public static async Task<int?> ReadUntilConnectionEndsAsync(Stream stream, Action<(byte Type, byte Flags, int StreamId, byte[] Payload)>? onFrame = null)
    {
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync(stream);
                onFrame?.Invoke(frame);
                if (frame.Type == GoAway)
                {
                    return BinaryPrimitives.ReadInt32BigEndian(frame.Payload.AsSpan(4));
                }
            }
        }
        catch (Exception exception) when (exception is EndOfStreamException or IOException)
        {
            return null;
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        using var cts = new CancellationTokenSource(Bound);
        var buffer = new byte[count];
        var offset = 0;
        while (offset < count)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(offset), cts.Token);
            if (read == 0)
            {
                throw new EndOfStreamException("connection closed before the frame was complete");
            }

            offset += read;
        }

        return buffer;
    }
}
