namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>How the controller talks to the Kubernetes API. Bound from configuration (section "Kubernetes").</summary>
public sealed class KubernetesSourceOptions
{
    public const string SectionName = "Kubernetes";

    /// <summary>Path of a kubeconfig file (<c>--kubeconfig</c>); null means the in-cluster service account.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Only this namespace is watched for namespaced kinds (<c>--watch-namespace</c>); null or empty means all. IngressClasses are always cluster-wide.</summary>
    public string? WatchNamespace { get; set; }

    /// <summary>First delay after a failure; doubles per consecutive failure.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the delay between consecutive failed attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sent as <c>timeoutSeconds</c>: the API server ends each watch after this long and the controller re-watches from the last resourceVersion.</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Client-side guard: a watch that delivers no event or bookmark for this long is abandoned and re-opened.
    /// Catches half-open connections the server-side timeout cannot end. Keep it above <see cref="WatchTimeout"/>: a
    /// healthy watch is then always ended by the server first, and the client is only cancelled mid-read when the
    /// connection is really dead.
    /// </summary>
    public TimeSpan WatchIdleTimeout { get; set; } = TimeSpan.FromMinutes(6);

    /// <summary>Page size of list requests (<c>limit</c>); 0 lists everything in one response.</summary>
    public int ListPageSize { get; set; } = 500;

    internal string? EffectiveNamespace => string.IsNullOrWhiteSpace(WatchNamespace) ? null : WatchNamespace;

    internal void Validate()
    {
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new InvalidOperationException($"Kubernetes backoff must satisfy 0 < InitialBackoff ({InitialBackoff}) <= MaxBackoff ({MaxBackoff}).");
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
