namespace Plexus.Proxy.Telemetry;

/// <summary>What the data plane records per request (bound by the host from its flags).</summary>
public sealed class PlexusTelemetryOptions
{
    /// <summary>Request, upstream and connection metrics. Off only to measure what they cost.</summary>
    public bool RequestMetrics { get; set; } = true;

    /// <summary>Adds the matched route's host as the <c>host</c> label (more series: one per Ingress host).</summary>
    public bool MetricsPerHost { get; set; }

    /// <summary>One JSON line per request on standard output.</summary>
    public bool AccessLog { get; set; }

    /// <summary>Access log lines waiting to be written; beyond this, lines are dropped and counted, never waited for.</summary>
    public int AccessLogCapacity { get; set; } = 16 * 1024;
}
