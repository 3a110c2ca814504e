using Plexus.Proxy.Model;
using Yarp.ReverseProxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// A compiled match result: the Plexus route and cluster, the YARP cluster carrying the HTTP client for its settings and
/// the destinations to balance over. It is its own <see cref="IPlexusRouteFeature"/> so that matching a request
/// allocates nothing.
/// </summary>
internal sealed class RouteTarget(
    ProxyRoute? route,
    ProxyCluster cluster,
    BackendClientSettings settings,
    ClusterState client,
    IReadOnlyList<DestinationState> destinations)
    : IPlexusRouteFeature
{
    public ProxyRoute? Route { get; } = route;

    public ProxyCluster Cluster { get; } = cluster;

    public BackendProtocol EffectiveProtocol => Settings.Protocol;

    public BackendClientSettings Settings { get; } = settings;

    /// <summary>The YARP cluster whose HTTP client (and connection pools) these settings use.</summary>
    public ClusterState Client { get; } = client;

    /// <summary>The endpoints that take this target's traffic, as YARP destinations.</summary>
    public IReadOnlyList<DestinationState> Destinations { get; } = destinations;

    /// <summary>
    /// For a split <c>auto</c> cluster: the target speaking h2c to the verified endpoints, chosen for
    /// <see cref="AlternateShare"/> out of <see cref="SplitTotal"/> requests (in proportion to the endpoints on each side).
    /// </summary>
    public RouteTarget? Alternate { get; private init; }

    public int AlternateShare { get; private init; }

    public int SplitTotal { get; private init; }

    /// <summary>This target with an alternate for <paramref name="share"/> of <paramref name="total"/> requests.</summary>
    public RouteTarget WithAlternate(RouteTarget alternate, int share, int total) =>
        new(Route, Cluster, Settings, Client, Destinations) { Alternate = alternate, AlternateShare = share, SplitTotal = total };

    /// <summary>Set when every endpoint failed the protocol probe: the proxy answers 502 itself instead of forwarding.</summary>
    public string? RefusalReason { get; } = TrafficEndpoints.RefusalReason(cluster);
}
