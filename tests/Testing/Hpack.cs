using System.Text;

namespace Plexus.Testing;

/// <summary>HPACK header blocks for raw HTTP/2 tests: static-table entries and literals without indexing, no Huffman.</summary>
public static class Hpack
{
    /// <summary>A GET request: :method GET, :scheme http, :path, :authority.</summary>
    public static byte[] Get(string path, string authority)
    {
        var block = new List<byte> { 0x82, 0x86 }; // static 2 ":method: GET", static 6 ":scheme: http"
        AddLiteral(block, nameIndex: 4, path);      // ":path"
        AddLiteral(block, nameIndex: 1, authority); // ":authority"
        return [.. block];
    }

    /// <summary>One header field as a literal without indexing with a new name (the name must be lower case).</summary>
    public static byte[] Literal(string name, string value)
    {
        var block = new List<byte> { 0x00 };
        AddString(block, name);
        AddString(block, value);
        return [.. block];
    }

    private static void AddLiteral(List<byte> block, int nameIndex, string value)
    {
        AddInteger(block, 0x00, 4, nameIndex);
        AddString(block, value);
    }

    private static void AddString(List<byte> block, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        AddInteger(block, 0x00, 7, bytes.Length); // H bit 0: not Huffman-coded
        block.AddRange(bytes);
    }

    // RFC 7541 section 5.1: an integer with an N-bit prefix.
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
        while (value >= 128)
        {
            block.Add((byte)((value % 128) + 128));
            value /= 128;
        }

        block.Add((byte)value);
    }
}
