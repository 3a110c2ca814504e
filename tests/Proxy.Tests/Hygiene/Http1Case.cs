using Plexus.Testing;

namespace Plexus.Proxy.Tests.Hygiene;

/// <summary>
/// One HTTP/1.1 hygiene case: the raw bytes a client sends ("{path}" and "{smuggled}" are replaced by unique paths,
/// "{host}" by <see cref="HygieneFixture.AppHost"/>), what the client must get back, and what the routed backend must
/// have received.
/// </summary>
/// <param name="Request">The bytes, written as a Latin-1 string.</param>
/// <param name="Statuses">The statuses of the responses the client gets, in order.</param>
/// <param name="Closed">Whether the proxy closes the client connection after those responses.</param>
/// <param name="BackendRequests">Requests for "{path}" the app backend receives.</param>
/// <param name="BodyLength">The body length the backend reads for "{path}", when it receives it.</param>
/// <param name="Backend">More assertions on what the backend received.</param>
public sealed record Http1Case(
    string Request,
    int[] Statuses,
    bool Closed,
    int BackendRequests,
    long BodyLength = 0,
    Action<SeenRequest>? Backend = null)
{
    /// <summary>A complete request that must never reach a backend as its own request.</summary>
    public const string SmuggledRequest = "GET {smuggled} HTTP/1.1\r\nHost: {host}\r\n\r\n";
}
