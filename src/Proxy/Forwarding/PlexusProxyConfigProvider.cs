using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// Publishes the YARP configuration: the catch-all route, the sentinel cluster and the clusters the applier asks for.
/// </summary>
public sealed class PlexusProxyConfigProvider : IProxyConfigProvider
{
    private volatile Config _config = new([YarpConfigBuilder.SentinelCluster]);

    public IProxyConfig GetConfig() => _config;

    /// <summary>Replaces the published clusters (the sentinel is always added) and signals YARP.</summary>
    public void Publish(IEnumerable<ClusterConfig> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        var next = new Config([YarpConfigBuilder.SentinelCluster, .. clusters]);
        var previous = Interlocked.Exchange(ref _config, next);
        previous.SignalChange();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Design",
        "CA1001:Types that own disposable fields should be disposable",
        Justification = "YARP may register on the change token of a replaced config at any time; it is signalled, never disposed.")]
    private sealed class Config(IReadOnlyList<ClusterConfig> clusters) : IProxyConfig
    {
        private readonly CancellationTokenSource _changed = new();

        public IReadOnlyList<RouteConfig> Routes { get; } = [YarpConfigBuilder.CatchAllRoute];

        public IReadOnlyList<ClusterConfig> Clusters { get; } = clusters;

        public IChangeToken ChangeToken => new CancellationChangeToken(_changed.Token);

        public void SignalChange() => _changed.Cancel();
    }
}
