using System.Collections.Frozen;
using Plexus.Proxy.Model;
using Plexus.Proxy.Routing;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// Everything a request needs to find its target, built from one snapshot and swapped whole. The route table yields a
/// slot (the route's index in the snapshot) and <see cref="Targets"/> holds the target per slot, so that a change of
/// some clusters' endpoints replaces their targets without rebuilding the table.
/// </summary>
internal sealed class RoutingState(
    ProxySnapshot snapshot,
    RouteTable<RouteSlot> routes,
    RouteTarget[] targets,
    RouteTarget? fallback,
    FrozenDictionary<string, int[]> slotsByCluster)
{
    public static RoutingState Empty { get; } =
        new(ProxySnapshot.Empty, RouteTable<RouteSlot>.Empty, [], null, FrozenDictionary<string, int[]>.Empty);

    public ProxySnapshot Snapshot { get; } = snapshot;

    public RouteTable<RouteSlot> Routes { get; } = routes;

    /// <summary>The target of each route, by its index in <see cref="ProxySnapshot.Routes"/>.</summary>
    public RouteTarget[] Targets { get; } = targets;

    /// <summary>The default backend, when the snapshot has one.</summary>
    public RouteTarget? Fallback { get; } = fallback;

    /// <summary>The slots of the routes that point at each cluster.</summary>
    public FrozenDictionary<string, int[]> SlotsByCluster { get; } = slotsByCluster;

    public RouteTarget? Match(ReadOnlySpan<char> host, ReadOnlySpan<char> path) =>
        Routes.Match(host, path) is { } slot ? Targets[slot.Index] : Fallback;
}

/// <summary>What the route table yields: the index of the matched route in its snapshot.</summary>
internal sealed class RouteSlot(int index)
{
    public int Index { get; } = index;
}
