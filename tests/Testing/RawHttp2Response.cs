using System.Text;

namespace Plexus.Testing;

/// <summary>
/// What came back on one stream: status and headers (when HEADERS arrived), body, and how it ended — END_STREAM,
/// RST_STREAM (<see cref="ResetCode"/>), GOAWAY (<see cref="GoAwayCode"/>) or the connection closing.
/// </summary>
public sealed record RawHttp2Response(int? Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, int? ResetCode, int? GoAwayCode, bool ConnectionClosed)
{
    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public string BodyText => Encoding.Latin1.GetString(Body);

    /// <summary>The stream was refused: reset, GOAWAY or closed connection, and no response status.</summary>
    public bool Refused => Status is null && (ResetCode is not null || GoAwayCode is not null || ConnectionClosed);
}
