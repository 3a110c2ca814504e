namespace Plexus.Testing;

/// <summary>What a <see cref="TestBackend"/> saw of one request; recorded when the request arrives.</summary>
public sealed class SeenRequest
{
    private long _bodyLength;

    /// <summary>"HTTP/1.1", "HTTP/2", ...</summary>
    public required string Protocol { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required string Scheme { get; init; }

    /// <summary>The Host header (HTTP/2 :authority).</summary>
    public string? Host { get; init; }

    public string? XForwardedFor { get; init; }

    public string? XForwardedProto { get; init; }

    public string? XForwardedHost { get; init; }

    public string? TraceParent { get; init; }

    /// <summary>Every request header as the backend's Kestrel saw it (names case-insensitive, HTTP/2 pseudo-headers excluded).</summary>
    public IReadOnlyDictionary<string, string[]> Headers { get; init; } = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Kestrel's connection id: equal ids mean the same backend connection.</summary>
    public required string ConnectionId { get; init; }

    /// <summary>The client's (the proxy's) port of that connection.</summary>
    public int RemotePort { get; init; }

    /// <summary>Request body bytes the endpoint has read so far (the upload endpoint reads as they arrive).</summary>
    public long BodyLength => Interlocked.Read(ref _bodyLength);

    internal void AddBody(long bytes) => Interlocked.Add(ref _bodyLength, bytes);
}
