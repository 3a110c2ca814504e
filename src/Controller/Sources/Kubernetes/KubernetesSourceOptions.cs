namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>How the controller talks to the Kubernetes API. Bound from configuration (section "Kubernetes").</summary>
public sealed class KubernetesSourceOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>Path of a kubeconfig file (<c>--kubeconfig</c>); null means the in-cluster service account.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Only this namespace is watched for namespaced kinds (<c>--watch-namespace</c>); null or empty means all. IngressClasses are always cluster-wide.</summary>
    public string? WatchNamespace { get; set; }

    /// <summary>First delay after a failure; doubles per consecutive failure. A successful list resets it.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Upper bound of the delay between consecutive failed attempts of one kind. It bounds how hard a failing kind
    /// hits the API, not how late an outage's end is noticed: that is <see cref="ApiProbeInterval"/>'s job.
    /// </summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// While the API is unavailable (no answer, or 5xx), one cheap read (a one-item list of IngressClasses) is tried at
    /// most this far apart; the first one answered wakes every watcher that is waiting out its backoff. So a change
    /// made during an outage is served about this long after the API returns, however long the outage lasted.
    /// </summary>
    public TimeSpan ApiProbeInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A probe that gets no answer within this time counts as failed (a black-holed API never answers).</summary>
    public TimeSpan ApiProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Sent as <c>timeoutSeconds</c>: the API server ends each watch after this long and the controller re-watches
    /// from the last resourceVersion (cheap: served from the server's watch cache, no list). Kept below
    /// <see cref="WatchIdleTimeout"/> so that a healthy server always ends a quiet watch before the silence bound does.
    /// </summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Silence bound: a watch that delivers no line (event or bookmark) for this long is abandoned and the kind is
    /// listed again. Only a broken stream reaches it: a healthy server ends every watch after <see cref="WatchTimeout"/>
    /// and, when it supports them, sends bookmarks about once a minute in between, so quiet watches are never cut into
    /// relists (which at 10,000 objects would be expensive). It catches half-open connections and a server whose watch
    /// stalled; the relist is there because resuming a stalled watch from the same resourceVersion can stall again.
    /// Keep it above <see cref="WatchTimeout"/>.
    /// </summary>
    /// <remarks>
    /// Defaults: client-go's reflector sends a random timeoutSeconds of 5–10 minutes and has no client-side bound at
    /// all (a silent connection waits for TCP keep-alive or the server). kube-apiserver's watch cache sends bookmarks
    /// to watchers that allow them about every minute and one just before timeoutSeconds. 90 s / 2 min detect a
    /// silent watch within 2 minutes at the cost of one cheap re-watch per kind every 90 s.
    /// </remarks>
    public TimeSpan WatchIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Page size of list requests (<c>limit</c>); 0 lists everything in one response.</summary>
    public int ListPageSize { get; set; } = 500;

    internal string? EffectiveNamespace => string.IsNullOrWhiteSpace(WatchNamespace) ? null : WatchNamespace;

    internal void Validate()
    {
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new InvalidOperationException($"Kubernetes backoff must satisfy 0 < InitialBackoff ({InitialBackoff}) <= MaxBackoff ({MaxBackoff}).");
        }

        if (ApiProbeInterval <= TimeSpan.Zero || ApiProbeTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Kubernetes ApiProbeInterval ({ApiProbeInterval}) and ApiProbeTimeout ({ApiProbeTimeout}) must be positive.");
        }

        if (WatchTimeout < TimeSpan.FromSeconds(1) || WatchIdleTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Kubernetes WatchTimeout ({WatchTimeout}) must be at least 1 s and WatchIdleTimeout ({WatchIdleTimeout}) positive.");
        }

        if (ListPageSize < 0)
        {
            throw new InvalidOperationException($"Kubernetes ListPageSize ({ListPageSize}) must not be negative.");
        }
    }
}
