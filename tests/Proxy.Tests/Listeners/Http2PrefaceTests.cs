using System.Buffers;
using System.Text;
using Plexus.Proxy.Listeners;

namespace Plexus.Proxy.Tests.Listeners;

public sealed class Http2PrefaceTests
{
    public static TheoryData<string, string> Inputs => new()
    {
        { "", "NeedMoreData" },
        { "P", "NeedMoreData" },
        { "PRI * HTTP/2.0\r\n", "NeedMoreData" },
        { "PRI * HTTP/2.0\r\n\r\nSM\r\n\r", "NeedMoreData" },
        { "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "Preface" },
        { "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04", "Preface" },
        { "POST / HTTP/1.1\r\n", "NotPreface" },
        { "PUT", "NotPreface" },
        { "GET / HTTP/1.1\r\n", "NotPreface" },
        { "PRI * HTTP/1.1\r\n", "NotPreface" },
        { "\x16\x03\x01", "NotPreface" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Match_classifies_a_contiguous_prefix(string input, string expected)
    {
        var match = Http2Preface.Match(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(input)));

        Assert.Equal(expected, match.ToString());
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Match_classifies_a_prefix_split_into_one_byte_segments(string input, string expected)
    {
        var match = Http2Preface.Match(Segmented(Encoding.Latin1.GetBytes(input)));

        Assert.Equal(expected, match.ToString());
    }

    private static ReadOnlySequence<byte> Segmented(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < bytes.Length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
