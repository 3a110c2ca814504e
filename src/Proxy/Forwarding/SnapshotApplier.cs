using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Hosting;
using Plexus.Proxy.Model;
using Plexus.Proxy.Routing;
using Yarp.ReverseProxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// Applies snapshots with one volatile swap of the routing state: a request sees the old state or the new one. A
/// snapshot that keeps the routes of the applied one (the same array) and changes only some clusters (other instances
/// under the same ids) replaces just those clusters' targets, so an endpoint change costs what changed, not what exists.
/// HTTP clients come from <see cref="BackendClientRegistry"/>: YARP's configuration changes only when new client
/// settings appear.
/// </summary>
internal sealed partial class SnapshotApplier(
    BackendClientRegistry clients,
    RoutingStateHolder state,
    IOptions<PlexusProxyOptions> options,
    ILogger<SnapshotApplier> logger) : ISnapshotApplier, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly PlexusProxyOptions _options = options.Value;

    public ProxySnapshot Current => state.Current.Snapshot;

    public async ValueTask<SnapshotApplyResult> ApplyAsync(ProxySnapshot snapshot, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await _gate.WaitAsync(ct);
        try
        {
            var current = state.Current;
            var changed = ChangedClusters(current.Snapshot, snapshot);
            var errors = changed is null ? SnapshotValidator.Validate(snapshot) : SnapshotValidator.ValidateClusters(changed);
            if (errors.Count > 0)
            {
                LogRejected(snapshot.Version, string.Join("; ", errors));
                return SnapshotApplyResult.Rejected(errors);
            }

            if (!clients.IsProxyMapped)
            {
                // YARP loads its configuration when the proxy is mapped; before that nothing could be applied.
                return SnapshotApplyResult.Rejected(["the proxy is not mapped yet: call MapPlexusProxy before applying snapshots"]);
            }

            return changed is null
                ? await ApplyWholeAsync(snapshot, ct)
                : await ApplyChangedClustersAsync(current, snapshot, changed, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>
    /// The clusters of <paramref name="next"/> that differ from <paramref name="applied"/> when nothing else that routing
    /// depends on did (same routes array, same default backend, no cluster added or removed); null otherwise.
    /// </summary>
    private static List<ProxyCluster>? ChangedClusters(ProxySnapshot applied, ProxySnapshot next)
    {
        if (applied.Routes != next.Routes || applied.DefaultClusterId != next.DefaultClusterId)
        {
            return null;
        }

        var changed = new List<ProxyCluster>();
        foreach (var (old, replacement) in ClusterChanges.Between(applied.Clusters, next.Clusters))
        {
            if (old is null || replacement is null)
            {
                return null;
            }

            changed.Add(replacement);
        }

        return changed;
    }

    private async Task<SnapshotApplyResult> ApplyWholeAsync(ProxySnapshot snapshot, CancellationToken ct)
    {
        var builder = new TargetBuilder(clients, _options.DefaultRequestTimeout);
        var clustersById = snapshot.Clusters.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var needed = new HashSet<BackendClientSettings>();
        foreach (var route in snapshot.Routes)
        {
            builder.AddSettings(route, clustersById[route.ClusterId], needed);
        }

        var defaultCluster = snapshot.DefaultClusterId is { } defaultId ? clustersById[defaultId] : null;
        if (defaultCluster is not null)
        {
            builder.AddSettings(null, defaultCluster, needed);
        }

        if (!await EnsureClientsAsync(snapshot, needed, ct))
        {
            return NotTaken(snapshot);
        }

        var targets = new RouteTarget[snapshot.Routes.Length];
        var slots = new Dictionary<ProxyRoute, RouteSlot>(snapshot.Routes.Length, ReferenceEqualityComparer.Instance);
        var slotsByCluster = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < snapshot.Routes.Length; i++)
        {
            var route = snapshot.Routes[i];
            targets[i] = builder.Build(route, clustersById[route.ClusterId]);
            slots[route] = new RouteSlot(i);
            if (!slotsByCluster.TryGetValue(route.ClusterId, out var list))
            {
                slotsByCluster[route.ClusterId] = list = [];
            }

            list.Add(i);
        }

        var table = RouteTable<RouteSlot>.Build(snapshot.Routes, route => slots[route]);
        var fallback = defaultCluster is null ? null : builder.Build(null, defaultCluster);

        // The swap: one volatile write.
        state.Current = new RoutingState(
            snapshot,
            table,
            targets,
            fallback,
            slotsByCluster.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal));

        // Clients no route uses any more go; requests still running on them finish.
        clients.Retain(needed);
        LogAppliedWhole(snapshot.Version, table.Count, snapshot.Clusters.Length, clients.Count);
        return SnapshotApplyResult.Success;
    }

    private async Task<SnapshotApplyResult> ApplyChangedClustersAsync(
        RoutingState current,
        ProxySnapshot snapshot,
        List<ProxyCluster> changed,
        CancellationToken ct)
    {
        var builder = new TargetBuilder(clients, _options.DefaultRequestTimeout);
        var needed = new HashSet<BackendClientSettings>();
        foreach (var cluster in changed)
        {
            foreach (var slot in SlotsOf(current, cluster))
            {
                builder.AddSettings(snapshot.Routes[slot], cluster, needed);
            }

            if (cluster.Id == snapshot.DefaultClusterId)
            {
                builder.AddSettings(null, cluster, needed);
            }
        }

        if (!await EnsureClientsAsync(snapshot, needed, ct))
        {
            return NotTaken(snapshot);
        }

        // Copy-on-write: requests still reading the previous array keep seeing the previous targets.
        var targets = changed.Count == 0 ? current.Targets : (RouteTarget[])current.Targets.Clone();
        var fallback = current.Fallback;
        foreach (var cluster in changed)
        {
            foreach (var slot in SlotsOf(current, cluster))
            {
                targets[slot] = builder.Build(snapshot.Routes[slot], cluster);
            }

            if (cluster.Id == snapshot.DefaultClusterId)
            {
                fallback = builder.Build(null, cluster);
            }
        }

        state.Current = new RoutingState(snapshot, current.Routes, targets, fallback, current.SlotsByCluster);
        LogAppliedClusters(snapshot.Version, changed.Count, snapshot.Clusters.Length);
        return SnapshotApplyResult.Success;
    }

    private static int[] SlotsOf(RoutingState state, ProxyCluster cluster) =>
        state.SlotsByCluster.TryGetValue(cluster.Id, out var slots) ? slots : [];

    private Task<bool> EnsureClientsAsync(ProxySnapshot snapshot, HashSet<BackendClientSettings> needed, CancellationToken ct) =>
        clients.EnsureAsync(needed, _options.ApplyTimeout, ct);

    private SnapshotApplyResult NotTaken(ProxySnapshot snapshot)
    {
        // YARP did not take the new clients (it logs why); what runs keeps serving.
        var error = $"the proxy did not start the HTTP clients of snapshot {snapshot.Version} within {_options.ApplyTimeout}";
        LogNotApplied(snapshot.Version, error);
        return SnapshotApplyResult.Rejected([error]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected snapshot {Version}: {Errors}")]
    private partial void LogRejected(long version, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "Snapshot {Version} not applied: {Error}")]
    private partial void LogNotApplied(long version, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied snapshot {Version}: {Routes} routes, {Clusters} clusters, {Clients} HTTP clients")]
    private partial void LogAppliedWhole(long version, int routes, int clusters, int clients);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Applied snapshot {Version}: {Changed} of {Clusters} clusters changed")]
    private partial void LogAppliedClusters(long version, int changed, int clusters);

    /// <summary>Compiles route targets; destinations are built once per cluster and wire protocol and shared by its routes.</summary>
    private sealed class TargetBuilder(BackendClientRegistry clients, TimeSpan defaultTimeout)
    {
        private readonly Dictionary<(string ClusterId, BackendProtocol Wire), DestinationState[]> _destinations = [];

        /// <summary>Adds the client settings a target for <paramref name="route"/> on <paramref name="cluster"/> needs.</summary>
        public void AddSettings(ProxyRoute? route, ProxyCluster cluster, HashSet<BackendClientSettings> needed)
        {
            needed.Add(SettingsFor(route, cluster));
            if (H2cSettingsFor(route, cluster) is { } h2c)
            {
                needed.Add(h2c);
            }
        }

        public RouteTarget Build(ProxyRoute? route, ProxyCluster cluster)
        {
            var settings = SettingsFor(route, cluster);
            var target = new RouteTarget(route, cluster, settings, clients.Get(settings), DestinationsOf(cluster, settings.Protocol));
            if (H2cSettingsFor(route, cluster) is not { } h2c)
            {
                return target;
            }

            var h2cDestinations = DestinationsOf(cluster, BackendProtocol.H2c);
            var h2cTarget = new RouteTarget(route, cluster, h2c, clients.Get(h2c), h2cDestinations);
            return target.WithAlternate(h2cTarget, h2cDestinations.Length, h2cDestinations.Length + target.Destinations.Count);
        }

        private TimeSpan TimeoutFor(ProxyRoute? route, ProxyCluster cluster) =>
            route?.RequestTimeout ?? cluster.RequestTimeout ?? defaultTimeout;

        private BackendClientSettings SettingsFor(ProxyRoute? route, ProxyCluster cluster) =>
            BackendClientSettings.For(cluster, TimeoutFor(route, cluster));

        /// <summary>The h2c side of a split auto cluster (verified h2c endpoints next to others), else null.</summary>
        private BackendClientSettings? H2cSettingsFor(ProxyRoute? route, ProxyCluster cluster) =>
            BackendClientSettings.IsSplitAuto(cluster)
                ? BackendClientSettings.For(cluster, BackendProtocol.H2c, TimeoutFor(route, cluster))
                : null;

        private DestinationState[] DestinationsOf(ProxyCluster cluster, BackendProtocol wire)
        {
            if (!_destinations.TryGetValue((cluster.Id, wire), out var destinations))
            {
                _destinations[(cluster.Id, wire)] = destinations = YarpConfigBuilder.DestinationsOf(cluster, wire);
            }

            return destinations;
        }
    }
}
