using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace Plexus.Proxy.Tests.Listeners;

/// <summary>Just enough HTTP/2 framing to drive Kestrel by hand (raw sockets, byte-level control).</summary>
internal static class Http2FrameIo
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    public static Task SendFrameAsync(Socket socket, byte type, byte flags, int streamId, byte[] payload) =>
        SendFrameAsync(new NetworkStream(socket, ownsSocket: false), type, flags, streamId, payload);

    public static Task<(byte Type, byte Flags, int StreamId, byte[] Payload)> ReadFrameAsync(Socket socket) =>
        ReadFrameAsync(new NetworkStream(socket, ownsSocket: false));

    public static Task<string> ReadResponseBodyAsync(Socket socket, int streamId) =>
        ReadResponseBodyAsync(new NetworkStream(socket, ownsSocket: false), streamId);

    public static async Task SendFrameAsync(Stream stream, byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        await stream.WriteAsync(frame);
        await stream.FlushAsync();
    }

    public static async Task<(byte Type, byte Flags, int StreamId, byte[] Payload)> ReadFrameAsync(Stream stream)
    {
        var header = await ReadExactlyAsync(stream, 9);
        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF;
        var payload = await ReadExactlyAsync(stream, length);
        return (header[3], header[4], streamId, payload);
    }

    public static async Task<string> ReadResponseBodyAsync(Stream stream, int streamId)
    {
        var body = new MemoryStream();
        while (true)
        {
            var frame = await ReadFrameAsync(stream);
            Assert.NotEqual(0x3, frame.Type); // RST_STREAM would mean the request was refused
            Assert.NotEqual(0x7, frame.Type); // GOAWAY
            if (frame.StreamId != streamId)
            {
                continue;
            }

            if (frame.Type == 0x0)
            {
                body.Write(frame.Payload);
            }

            if ((frame.Flags & 0x1) != 0 && frame.Type is 0x0 or 0x1)
            {
                return Encoding.ASCII.GetString(body.ToArray());
            }
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
            Assert.True(read > 0, "connection closed before the frame was complete");
            offset += read;
        }

        return buffer;
    }
}
