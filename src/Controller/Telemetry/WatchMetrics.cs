using k8s;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Store;
using Prometheus;

namespace Plexus.Controller.Telemetry;

/// <summary>Kubernetes watch metrics: events and restarts per resource kind, and the size of each kind's last list.</summary>
public sealed class WatchMetrics : IWatchObserver
{
    private readonly Counter _events;
    private readonly Counter _restarts;
    private readonly Counter _lists;
    private readonly Gauge _listed;

    public WatchMetrics(IMetricFactory metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _events = metrics.CreateCounter("plexus_watch_events_total", "Watch events received, by resource kind and type (added, modified, deleted, bookmark, error).", ["resource", "type"]);
        _restarts = metrics.CreateCounter("plexus_watch_restarts_total", "Watches and lists ended and retried, by resource kind and reason.", ["resource", "reason"]);
        _lists = metrics.CreateCounter("plexus_watch_lists_total", "Full lists of a resource kind (at start and after 410 Gone).", ["resource"]);
        _listed = metrics.CreateGauge("plexus_watch_listed_objects", "Objects returned by the last list of a resource kind.", ["resource"]);
    }

    public void OnList(ResourceKind kind, int count)
    {
        var resource = Resource(kind);
        _lists.WithLabels(resource).Inc();
        _listed.WithLabels(resource).Set(count);
    }

    public void OnEvent(ResourceKind kind, WatchEventType type) => _events.WithLabels(Resource(kind), EventType(type)).Inc();

    public void OnRestart(ResourceKind kind, WatchRestartReason reason, TimeSpan delay) =>
        _restarts.WithLabels(Resource(kind), RestartReason(reason)).Inc();

    private static string Resource(ResourceKind kind) => kind switch
    {
        ResourceKind.Ingress => "ingresses",
        ResourceKind.IngressClass => "ingressclasses",
        ResourceKind.Service => "services",
        ResourceKind.EndpointSlice => "endpointslices",
        ResourceKind.Secret => "secrets",
        ResourceKind.Pod => "pods",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static string EventType(WatchEventType type) => type switch
    {
        WatchEventType.Added => "added",
        WatchEventType.Modified => "modified",
        WatchEventType.Deleted => "deleted",
        WatchEventType.Bookmark => "bookmark",
        WatchEventType.Error => "error",
        _ => "other",
    };

    private static string RestartReason(WatchRestartReason reason) => reason switch
    {
        WatchRestartReason.Closed => "closed",
        WatchRestartReason.Idle => "idle",
        WatchRestartReason.Gone => "gone",
        WatchRestartReason.WatchFailed => "watch-failed",
        WatchRestartReason.ListFailed => "list-failed",
        _ => "other",
    };
}
