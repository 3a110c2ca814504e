using System.Buffers;

namespace Plexus.Proxy.Listeners;

/// <summary>The HTTP/2 client connection preface (RFC 9113 section 3.4) and how a byte prefix relates to it.</summary>
internal static class Http2Preface
{
    public static ReadOnlySpan<byte> Bytes => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public const int Length = 24;

    /// <summary>Compares what has arrived so far with the preface.</summary>
    public static PrefaceMatch Match(in ReadOnlySequence<byte> received)
    {
        if (received.IsEmpty)
        {
            return PrefaceMatch.NeedMoreData;
        }

        var length = (int)Math.Min(received.Length, Length);
        ReadOnlySpan<byte> head;
        if (received.FirstSpan.Length >= length)
        {
            head = received.FirstSpan[..length];
        }
        else
        {
            Span<byte> copy = stackalloc byte[Length];
            received.Slice(0, length).CopyTo(copy);
            return Match(copy[..length]);
        }

        return Match(head);
    }

    public static PrefaceMatch Match(ReadOnlySpan<byte> head)
    {
        var expected = Bytes[..Math.Min(head.Length, Length)];
        if (!head[..expected.Length].SequenceEqual(expected))
        {
            return PrefaceMatch.NotPreface;
        }

        return expected.Length == Length ? PrefaceMatch.Preface : PrefaceMatch.NeedMoreData;
    }
}

internal enum PrefaceMatch
{
    /// <summary>Everything so far agrees with the preface but it is not complete.</summary>
    NeedMoreData,

    /// <summary>All 24 bytes of the preface arrived.</summary>
    Preface,

    /// <summary>The bytes diverge from the preface: HTTP/1.x (or garbage, which Kestrel's HTTP/1.1 parser rejects).</summary>
    NotPreface,
}
