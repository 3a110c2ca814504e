using System.Collections.Immutable;

namespace Plexus.Proxy.Model;

/// <summary>A backend Service port: its declared protocol and its endpoints.</summary>
/// <param name="Id">Stable identity, "namespace/service:port".</param>
/// <param name="Protocol">The declared protocol.</param>
/// <param name="Endpoints">Ready endpoints; may be empty (the routes then answer 503).</param>
/// <param name="Tls">Backend TLS settings for h2/https.</param>
public sealed record ProxyCluster(string Id, BackendProtocol Protocol, ImmutableArray<BackendEndpoint> Endpoints, BackendTls Tls)
{
    public ProxyCluster(string id, BackendProtocol protocol, ImmutableArray<BackendEndpoint> endpoints)
        : this(id, protocol, endpoints, BackendTls.Default)
    {
    }

    /// <summary>Where this cluster came from, for metrics and diagnostics (namespace, service, port name or number).</summary>
    public ClusterOrigin? Origin { get; init; }

    /// <summary>Per-request timeout toward the backend; null means the proxy default.</summary>
    public TimeSpan? RequestTimeout { get; init; }

    public bool Equals(ProxyCluster? other) =>
        other is not null && Id == other.Id && Protocol == other.Protocol && Tls == other.Tls && Origin == other.Origin
        && RequestTimeout == other.RequestTimeout && Endpoints.SequenceEqual(other.Endpoints);

    public override int GetHashCode() => HashCode.Combine(Id, Protocol, Tls, Endpoints.Length);
}

/// <summary>The Kubernetes Service port behind a cluster.</summary>
public sealed record ClusterOrigin(string Namespace, string Service, string Port);
