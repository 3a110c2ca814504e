using Prometheus;

namespace Plexus.Controller.Runtime;

/// <summary>
/// The process's own Prometheus registry (not the static default one, so that tests and several hosts in one process
/// never share series). Every Plexus metric is created through <see cref="Factory"/>; /metrics exports <see cref="Registry"/>.
/// </summary>
public sealed class PlexusMetrics
{
    public PlexusMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        Factory = Metrics.WithCustomRegistry(Registry);
    }

    public CollectorRegistry Registry { get; }

    public IMetricFactory Factory { get; }
}
