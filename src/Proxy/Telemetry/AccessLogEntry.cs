namespace Plexus.Proxy.Telemetry;

/// <summary>One access log line. Only the path is logged, never the query string (it often carries tokens).</summary>
/// <param name="Time">When the request ended.</param>
/// <param name="Client">The client's IP address.</param>
/// <param name="Method">The request method.</param>
/// <param name="Host">The Host header (HTTP/2: :authority).</param>
/// <param name="Path">The request path.</param>
/// <param name="Protocol">The client's protocol, e.g. "HTTP/2".</param>
/// <param name="Scheme">"https" on the TLS port, "http" on the plain one (h2c included).</param>
/// <param name="Status">The status code sent.</param>
/// <param name="DurationMs">Time from receiving the request to the end of the response.</param>
/// <param name="UpstreamAddress">The backend endpoint the request went to, when it was forwarded.</param>
/// <param name="UpstreamProtocol">The protocol spoken to the backend.</param>
/// <param name="Route">The matched route's id.</param>
/// <param name="Cluster">The target cluster's id.</param>
/// <param name="Error">The failure class when Plexus answered with an error (X-Plexus-Error).</param>
/// <param name="UpstreamMs">Time until the backend's response headers arrived.</param>
/// <param name="TraceId">The W3C trace id, when the request is traced.</param>
public sealed record AccessLogEntry(
    DateTimeOffset Time,
    string? Client,
    string Method,
    string? Host,
    string? Path,
    string Protocol,
    string Scheme,
    int Status,
    double DurationMs,
    string? UpstreamAddress,
    string? UpstreamProtocol,
    string? Route,
    string? Cluster,
    string? Error,
    double? UpstreamMs,
    string? TraceId);
