using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// The YARP clusters that carry Plexus' HTTP clients, one per distinct <see cref="BackendClientSettings"/>. Only a
/// snapshot that needs settings never seen before publishes to YARP; all others find their clients here, so the work
/// of an apply does not grow with the number of clusters. Not thread-safe: the applier serializes its calls.
/// </summary>
internal sealed class BackendClientRegistry(PlexusProxyConfigProvider configProvider, IProxyStateLookup proxyState)
{
    private readonly Dictionary<BackendClientSettings, ClusterConfig> _published = [];
    private readonly Dictionary<BackendClientSettings, ClusterState> _running = [];

    /// <summary>How many clients are published.</summary>
    public int Count => _published.Count;

    /// <summary>True once YARP has loaded the configuration (the proxy is mapped).</summary>
    public bool IsProxyMapped => proxyState.TryGetCluster(YarpConfigBuilder.SentinelClusterId, out _);

    /// <summary>The running client cluster for <paramref name="settings"/>; only valid after <see cref="EnsureAsync"/> took them.</summary>
    public ClusterState Get(BackendClientSettings settings) => _running[settings];

    /// <summary>
    /// Publishes the clients of <paramref name="needed"/> that do not exist yet (next to all existing ones) and waits until
    /// YARP runs them. False when YARP did not take them within <paramref name="timeout"/>; the published set is then
    /// restored.
    /// </summary>
    public async Task<bool> EnsureAsync(IReadOnlyCollection<BackendClientSettings> needed, TimeSpan timeout, CancellationToken ct)
    {
        List<BackendClientSettings>? added = null;
        foreach (var settings in needed)
        {
            if (!_published.ContainsKey(settings))
            {
                _published[settings] = YarpConfigBuilder.BuildClientCluster(settings);
                (added ??= []).Add(settings);
            }
        }

        if (added is null)
        {
            return true;
        }

        configProvider.Publish(_published.Values);
        try
        {
            if (await WaitUntilRunningAsync(added, timeout, ct))
            {
                return true;
            }
        }
        catch (OperationCanceledException)
        {
            Remove(added);
            throw;
        }

        Remove(added);
        return false;
    }

    /// <summary>Drops the clients not in <paramref name="used"/> (their idle connections close with them).</summary>
    public void Retain(IReadOnlySet<BackendClientSettings> used)
    {
        var unused = _published.Keys.Where(settings => !used.Contains(settings)).ToList();
        if (unused.Count > 0)
        {
            Remove(unused);
        }
    }

    private void Remove(List<BackendClientSettings> settingsToRemove)
    {
        foreach (var settings in settingsToRemove)
        {
            _published.Remove(settings);
            _running.Remove(settings);
        }

        configProvider.Publish(_published.Values);
    }

    private async Task<bool> WaitUntilRunningAsync(List<BackendClientSettings> added, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var delay = TimeSpan.FromMilliseconds(1);
        var pending = new List<BackendClientSettings>(added);
        while (true)
        {
            pending.RemoveAll(TryTakeRunning);
            if (pending.Count == 0)
            {
                return true;
            }

            try
            {
                await Task.Delay(delay, deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return false;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(50).Ticks));
        }
    }

    private bool TryTakeRunning(BackendClientSettings settings)
    {
        var config = _published[settings];
        if (!proxyState.TryGetCluster(config.ClusterId, out var cluster) || !config.Equals(cluster.Model.Config))
        {
            return false;
        }

        _running[settings] = cluster;
        return true;
    }
}
