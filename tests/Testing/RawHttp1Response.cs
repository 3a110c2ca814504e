using System.Text;

namespace Plexus.Testing;

/// <summary>One HTTP/1.x response as it came off the wire.</summary>
public sealed record RawHttp1Response(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>The values of <paramref name="name"/>, in order (case-insensitive).</summary>
    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public string BodyText => Encoding.Latin1.GetString(Body);
}
