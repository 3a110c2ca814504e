using System.Text;

namespace Plexus.Testing;

/// <summary>HPACK decoding (RFC 7541) for <see cref="RawHttp2Connection"/>: static and dynamic tables, no Huffman.</summary>
internal sealed class HpackDecoder
{
    private static readonly (string Name, string Value)[] StaticTable =
    [
        (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
        (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
        (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
        ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
        ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
        ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
        ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""),
        ("etag", ""), ("expect", ""), ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""),
        ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""),
        ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
        ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""),
        ("server", ""), ("set-cookie", ""), ("strict-transport-security", ""), ("transfer-encoding", ""),
        ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
    ];

    // Newest first, as HPACK indexes it. The size limit is not enforced: the server keeps within what it announced.
    private readonly List<(string Name, string Value)> _dynamic = [];

    public List<KeyValuePair<string, string>> Decode(ReadOnlySpan<byte> block)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var position = 0;
        while (position < block.Length)
        {
            var first = block[position];
            if ((first & 0x80) != 0)
            {
                var (name, value) = Entry(ReadInteger(block, ref position, 7));
                fields.Add(new(name, value));
            }
            else if ((first & 0xC0) == 0x40)
            {
                var field = ReadLiteral(block, ref position, 6);
                _dynamic.Insert(0, field);
                fields.Add(new(field.Name, field.Value));
            }
            else if ((first & 0xE0) == 0x20)
            {
                var size = ReadInteger(block, ref position, 5);
                if (size == 0)
                {
                    _dynamic.Clear();
                }
            }
            else
            {
                var field = ReadLiteral(block, ref position, 4);
                fields.Add(new(field.Name, field.Value));
            }
        }

        return fields;
    }

    private (string Name, string Value) Entry(int index) =>
        index <= StaticTable.Length ? StaticTable[index - 1] : _dynamic[index - StaticTable.Length - 1];

    private (string Name, string Value) ReadLiteral(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        var index = ReadInteger(block, ref position, prefixBits);
        var name = index == 0 ? ReadString(block, ref position) : Entry(index).Name;
        return (name, ReadString(block, ref position));
    }

    private static string ReadString(ReadOnlySpan<byte> block, ref int position)
    {
        if ((block[position] & 0x80) != 0)
        {
            throw new NotSupportedException("Huffman-coded HPACK strings are not decoded by this test client");
        }

        var length = ReadInteger(block, ref position, 7);
        var value = Encoding.Latin1.GetString(block.Slice(position, length));
        position += length;
        return value;
    }

    private static int ReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        var max = (1 << prefixBits) - 1;
        var value = block[position++] & max;
        if (value < max)
        {
            return value;
        }

        var shift = 0;
        byte b;
        do
        {
            b = block[position++];
            value += (b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return value;
    }
}
