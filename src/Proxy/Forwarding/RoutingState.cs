using Plexus.Proxy.Model;
using Plexus.Proxy.Routing;

namespace Plexus.Proxy.Forwarding;

/// <summary>Everything a request needs to find its target, built from one snapshot and swapped whole.</summary>
internal sealed class RoutingState(ProxySnapshot snapshot, RouteTable<RouteTarget> routes, RouteTarget? fallback)
{
    public static RoutingState Empty { get; } =
        new(ProxySnapshot.Empty, RouteTable<RouteTarget>.Empty, null);

    public ProxySnapshot Snapshot { get; } = snapshot;

    public RouteTable<RouteTarget> Routes { get; } = routes;

    /// <summary>The default backend, when the snapshot has one.</summary>
    public RouteTarget? Fallback { get; } = fallback;

    public RouteTarget? Match(ReadOnlySpan<char> host, ReadOnlySpan<char> path) => Routes.Match(host, path) ?? Fallback;
}
