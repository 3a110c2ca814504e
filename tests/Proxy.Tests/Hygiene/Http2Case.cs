using Plexus.Testing;

namespace Plexus.Proxy.Tests.Hygiene;

/// <summary>
/// One HTTP/2 hygiene case: the header fields a client sends on a new stream (in order, byte for byte; "{path}",
/// "{scheme}" (the transport's) and "{host}" are filled in per run), an optional body, what the client must get back
/// (a status, or the stream refused: RST_STREAM, GOAWAY or the connection closed, with no status), and what the app
/// backend must have received.
/// </summary>
/// <param name="Headers">The fields of the HEADERS frame.</param>
/// <param name="Body">DATA sent after HEADERS (END_STREAM on the last frame); null: END_STREAM on HEADERS.</param>
/// <param name="Status">The response status, or null when the stream must be refused.</param>
/// <param name="BackendRequests">Requests for "{path}" the app backend receives.</param>
/// <param name="BodyLength">The body length the backend reads, when it receives the request.</param>
/// <param name="Backend">More assertions on what the backend received; the second argument is the transport's scheme.</param>
public sealed record Http2Case(
    (string Name, string Value)[] Headers,
    string? Body,
    int? Status,
    int BackendRequests,
    long BodyLength = 0,
    Action<SeenRequest, string>? Backend = null)
{
    /// <summary>A valid GET: :method, :scheme, :authority, :path, then <paramref name="extra"/>.</summary>
    public static (string Name, string Value)[] Get(params (string Name, string Value)[] extra) =>
        [(":method", "GET"), (":scheme", "{scheme}"), (":authority", "{host}"), (":path", "{path}"), .. extra];

    /// <summary>A valid POST with <paramref name="extra"/> fields.</summary>
    public static (string Name, string Value)[] Post(params (string Name, string Value)[] extra) =>
        [(":method", "POST"), (":scheme", "{scheme}"), (":authority", "{host}"), (":path", "{path}"), .. extra];
}
