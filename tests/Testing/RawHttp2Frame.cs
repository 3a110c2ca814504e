using System.Buffers.Binary;

namespace Plexus.Testing;

/// <summary>One HTTP/2 frame: type, flags, stream and payload; <see cref="Encode"/> writes one as bytes.</summary>
public readonly record struct RawHttp2Frame(byte Type, byte Flags, int StreamId, byte[] Payload)
{
    public const byte Data = 0x0;
    public const byte Headers = 0x1;
    public const byte RstStream = 0x3;
    public const byte Settings = 0x4;
    public const byte Ping = 0x6;
    public const byte GoAway = 0x7;
    public const byte Continuation = 0x9;
    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;

    /// <summary>The error code of a RST_STREAM or GOAWAY frame (RFC 9113 §6.4, §6.8).</summary>
    public int ErrorCode => Type switch
    {
        RstStream => BinaryPrimitives.ReadInt32BigEndian(Payload),
        GoAway => BinaryPrimitives.ReadInt32BigEndian(Payload.AsSpan(4)),
        _ => throw new InvalidOperationException($"frame type {Type} carries no error code"),
    };

    /// <summary>The last stream a GOAWAY frame says the server processes.</summary>
    public int LastStreamId => Type == GoAway
        ? BinaryPrimitives.ReadInt32BigEndian(Payload) & 0x7FFFFFFF
        : throw new InvalidOperationException($"frame type {Type} is not GOAWAY");

    /// <summary>The value of one parameter of a SETTINGS frame (RFC 9113 §6.5.1), null when the frame does not set it.</summary>
    public int? Setting(ushort id)
    {
        if (Type != Settings)
        {
            throw new InvalidOperationException($"frame type {Type} is not SETTINGS");
        }

        for (var offset = 0; offset + 6 <= Payload.Length; offset += 6)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(Payload.AsSpan(offset)) == id)
            {
                return (int)BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(offset + 2));
            }
        }

        return null;
    }

    /// <summary>One frame as bytes, to send alone or to batch many frames into one write.</summary>
    public static byte[] Encode(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
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

    /// <summary>A RST_STREAM frame as bytes.</summary>
    public static byte[] EncodeRstStream(int streamId, int errorCode)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, errorCode);
        return Encode(RstStream, 0, streamId, payload);
    }
}
