using k8s;
using Plexus.Controller.Store;

namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>Why a kind's watch was ended and opened again.</summary>
public enum WatchRestartReason
{
    /// <summary>The server ended the stream normally (e.g. its <c>timeoutSeconds</c> elapsed); resumes from the last resourceVersion.</summary>
    Closed,

    /// <summary>No event or bookmark within the client-side silence bound (<c>WatchIdleTimeout</c>); the kind is listed again.</summary>
    Idle,

    /// <summary>410 Gone: the resourceVersion is too old; the kind is listed again.</summary>
    Gone,

    /// <summary>The watch failed (connection reset, error status, unreadable event); resumes from the last resourceVersion after a backoff.</summary>
    WatchFailed,

    /// <summary>The list request failed; listed again after a backoff.</summary>
    ListFailed,
}

/// <summary>Receives what the watches do, for metrics. Called from the watch loops; implementations must be cheap and thread-safe.</summary>
public interface IWatchObserver
{
    /// <summary>A list replaced the kind's whole set.</summary>
    void OnList(ResourceKind kind, int count);

    /// <summary>A watch event arrived (ADDED, MODIFIED, DELETED or BOOKMARK).</summary>
    void OnEvent(ResourceKind kind, WatchEventType type);

    /// <summary>A watch or list ended and will be retried after <paramref name="delay"/> (zero: at once).</summary>
    void OnRestart(ResourceKind kind, WatchRestartReason reason, TimeSpan delay);
}

/// <summary>Observer that records nothing.</summary>
public sealed class NullWatchObserver : IWatchObserver
{
    public static NullWatchObserver Instance { get; } = new();

    public void OnList(ResourceKind kind, int count)
    {
    }

    public void OnEvent(ResourceKind kind, WatchEventType type)
    {
    }

    public void OnRestart(ResourceKind kind, WatchRestartReason reason, TimeSpan delay)
    {
    }
}
