namespace Plexus.Proxy.Model;

/// <summary>One host + path rule pointing at a cluster.</summary>
/// <param name="Id">Stable, unique identity within a snapshot.</param>
/// <param name="Host">Exact host (lower case), a wildcard "*.example.com" matching exactly one label, or null for any host.</param>
/// <param name="Path">The rule path, starting with '/'.</param>
/// <param name="Match">How the path matches.</param>
/// <param name="ClusterId">The target <see cref="ProxyCluster.Id"/>.</param>
public sealed record ProxyRoute(string Id, string? Host, string Path, PathMatchKind Match, string ClusterId)
{
    /// <summary>The Ingress this route came from, for metrics and diagnostics.</summary>
    public RouteOrigin? Origin { get; init; }

    /// <summary>Per-route timeout for the whole request; null means the cluster's or the proxy default.</summary>
    public TimeSpan? RequestTimeout { get; init; }
}

/// <summary>The Ingress a route came from.</summary>
public sealed record RouteOrigin(string Namespace, string Ingress);
