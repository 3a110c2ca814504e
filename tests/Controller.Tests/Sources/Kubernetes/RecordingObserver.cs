using System.Collections.Concurrent;
using k8s;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Store;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

internal sealed class RecordingObserver : IWatchObserver
{
    private readonly ConcurrentQueue<(ResourceKind Kind, WatchEventType Type)> _events = new();
    private readonly ConcurrentQueue<(ResourceKind Kind, WatchRestartReason Reason, TimeSpan Delay)> _restarts = new();

    public IReadOnlyList<(ResourceKind Kind, WatchEventType Type)> Events => [.. _events];

    public IReadOnlyList<(ResourceKind Kind, WatchRestartReason Reason, TimeSpan Delay)> Restarts => [.. _restarts];

    public void OnList(ResourceKind kind, int count)
    {
    }

    public void OnEvent(ResourceKind kind, WatchEventType type) => _events.Enqueue((kind, type));

    public void OnRestart(ResourceKind kind, WatchRestartReason reason, TimeSpan delay) => _restarts.Enqueue((kind, reason, delay));

    public IReadOnlyList<TimeSpan> Delays(ResourceKind kind, WatchRestartReason reason) =>
        [.. Restarts.Where(r => r.Kind == kind && r.Reason == reason).Select(r => r.Delay)];
}
