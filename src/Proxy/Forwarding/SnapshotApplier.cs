using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Hosting;
using Plexus.Proxy.Model;
using Plexus.Proxy.Routing;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// Applies snapshots in two YARP publications around one volatile swap: first the new clusters next to the live ones,
/// then (once YARP runs them and the routing state points at them) only the new ones. A request thus sees the old
/// routing state with its clusters or the new one with its clusters.
/// </summary>
internal sealed class SnapshotApplier(
    PlexusProxyConfigProvider configProvider,
    IProxyStateLookup proxyState,
    RoutingStateHolder state,
    IOptions<PlexusProxyOptions> options,
    ILogger<SnapshotApplier> logger) : ISnapshotApplier, IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly PlexusProxyOptions _options = options.Value;

    // The clusters the live routing state forwards to, as last published; guarded by _gate.
    private IReadOnlyList<ClusterConfig> _published = [];

    public ProxySnapshot Current => state.Current.Snapshot;

    public async ValueTask<SnapshotApplyResult> ApplyAsync(ProxySnapshot snapshot, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var errors = SnapshotValidator.Validate(snapshot);
        if (errors.Count > 0)
        {
            logger.LogWarning("Rejected snapshot {Version}: {Errors}", snapshot.Version, string.Join("; ", errors));
            return SnapshotApplyResult.Rejected(errors);
        }

        await _gate.WaitAsync(ct);
        try
        {
            return await ApplyValidatedAsync(snapshot, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<SnapshotApplyResult> ApplyValidatedAsync(ProxySnapshot snapshot, CancellationToken ct)
    {
        if (!proxyState.TryGetCluster(YarpConfigBuilder.SentinelClusterId, out _))
        {
            // YARP loads its configuration when the proxy is mapped; before that nothing could be applied.
            return SnapshotApplyResult.Rejected(["the proxy is not mapped yet: call MapPlexusProxy before applying snapshots"]);
        }

        var plan = ClusterPlan.For(snapshot, _options.DefaultRequestTimeout);

        // Phase 1: the new clusters next to those the live state still forwards to.
        configProvider.Publish([.. plan.Configs.Values, .. _published.Where(c => !plan.Configs.ContainsKey(c.ClusterId))]);

        Dictionary<string, ClusterState>? resolved;
        try
        {
            resolved = await WaitForClustersAsync(plan, ct);
        }
        catch (OperationCanceledException)
        {
            configProvider.Publish(_published);
            throw;
        }

        if (resolved is null)
        {
            // YARP did not take the configuration (it logs why); keep serving what runs.
            configProvider.Publish(_published);
            var error = $"the proxy did not apply the clusters of snapshot {snapshot.Version} within {_options.ApplyTimeout}";
            logger.LogError("Snapshot {Version} not applied: {Error}", snapshot.Version, error);
            return SnapshotApplyResult.Rejected([error]);
        }

        var clustersById = snapshot.Clusters.ToDictionary(c => c.Id, StringComparer.Ordinal);
        RouteTarget Target(ProxyRoute? route, ProxyCluster cluster)
        {
            var settings = plan.SettingsFor(route, cluster);
            var target = new RouteTarget(route, cluster, settings, resolved[settings.YarpClusterId(cluster.Id)]);
            if (plan.H2cSettingsFor(route, cluster) is not { } h2c)
            {
                return target;
            }

            var h2cTarget = new RouteTarget(route, cluster, h2c, resolved[h2c.YarpClusterId(cluster.Id)]);
            return target.WithAlternate(h2cTarget, TrafficEndpoints.Of(cluster, BackendProtocol.H2c).Count(), TrafficEndpoints.Of(cluster).Count());
        }

        var table = RouteTable<RouteTarget>.Build(snapshot.Routes, route => Target(route, clustersById[route.ClusterId]));
        var fallback = snapshot.DefaultClusterId is { } defaultId ? Target(null, clustersById[defaultId]) : null;

        // The swap: one volatile write.
        state.Current = new RoutingState(snapshot, table, fallback);

        // Phase 2: drop the clusters only the previous state used.
        _published = [.. plan.Configs.Values];
        configProvider.Publish(_published);
        logger.LogInformation(
            "Applied snapshot {Version}: {Routes} routes, {Clusters} clusters",
            snapshot.Version,
            table.Count,
            plan.Configs.Count);
        return SnapshotApplyResult.Success;
    }

    private async Task<Dictionary<string, ClusterState>?> WaitForClustersAsync(ClusterPlan plan, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.ApplyTimeout);
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            if (TryResolve(plan) is { } resolved)
            {
                return resolved;
            }

            try
            {
                await Task.Delay(delay, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return null;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(50).Ticks));
        }
    }

    private Dictionary<string, ClusterState>? TryResolve(ClusterPlan plan)
    {
        var resolved = new Dictionary<string, ClusterState>(plan.Configs.Count, StringComparer.Ordinal);
        foreach (var (id, config) in plan.Configs)
        {
            if (!proxyState.TryGetCluster(id, out var cluster)
                || !config.Equals(cluster.Model.Config)
                || cluster.DestinationsState.AllDestinations.Count != config.Destinations!.Count)
            {
                return null;
            }

            resolved[id] = cluster;
        }

        return resolved;
    }

    /// <summary>The YARP clusters a snapshot needs: one per cluster and effective timeout in use.</summary>
    private sealed class ClusterPlan(TimeSpan defaultTimeout)
    {
        public Dictionary<string, ClusterConfig> Configs { get; } = new(StringComparer.Ordinal);

        public static ClusterPlan For(ProxySnapshot snapshot, TimeSpan defaultTimeout)
        {
            var plan = new ClusterPlan(defaultTimeout);
            var clusters = snapshot.Clusters.ToDictionary(c => c.Id, StringComparer.Ordinal);
            foreach (var route in snapshot.Routes)
            {
                plan.Add(route, clusters[route.ClusterId]);
            }

            if (snapshot.DefaultClusterId is { } defaultId)
            {
                plan.Add(null, clusters[defaultId]);
            }

            return plan;
        }

        public BackendClientSettings SettingsFor(ProxyRoute? route, ProxyCluster cluster) =>
            BackendClientSettings.For(cluster, route?.RequestTimeout ?? cluster.RequestTimeout ?? defaultTimeout);

        /// <summary>The h2c side of a split auto cluster (verified h2c endpoints next to others), else null.</summary>
        public BackendClientSettings? H2cSettingsFor(ProxyRoute? route, ProxyCluster cluster) =>
            BackendClientSettings.IsSplitAuto(cluster)
                ? BackendClientSettings.For(cluster, BackendProtocol.H2c, route?.RequestTimeout ?? cluster.RequestTimeout ?? defaultTimeout)
                : null;

        private void Add(ProxyRoute? route, ProxyCluster cluster)
        {
            Add(cluster, SettingsFor(route, cluster));
            if (H2cSettingsFor(route, cluster) is { } h2c)
            {
                Add(cluster, h2c);
            }
        }

        private void Add(ProxyCluster cluster, BackendClientSettings settings)
        {
            var id = settings.YarpClusterId(cluster.Id);
            if (!Configs.ContainsKey(id))
            {
                Configs[id] = YarpConfigBuilder.BuildCluster(cluster, settings);
            }
        }
    }
}
