using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Forwarding;
using Prometheus;

namespace Plexus.Proxy.Telemetry;

/// <summary>The data plane's request and upstream metrics, and the per-route-target cache of their labelled series.</summary>
internal sealed class ProxyRequestMetrics
{
    /// <summary>From 0.5 ms (loopback) to a minute (the default backend timeout).</summary>
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    // Keyed by the route target itself: the series live exactly as long as the snapshot that made the target.
    private readonly ConditionalWeakTable<IPlexusRouteFeature, RouteMetrics> _byTarget = [];
    private readonly ConditionalWeakTable<IPlexusRouteFeature, RouteMetrics>.CreateValueCallback _create;

    public ProxyRequestMetrics(IMetricFactory factory, IOptions<PlexusTelemetryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(factory);
        PerHost = options.Value.MetricsPerHost;
        string[] target = PerHost
            ? ["namespace", "ingress", "service", "port", "upstream_protocol", "host"]
            : ["namespace", "ingress", "service", "port", "upstream_protocol"];
        string[] request = [.. target, "method", "code"];

        Requests = factory.CreateCounter("plexus_requests_total", "Requests served by the proxy, by route target, method and status class.", request);
        RequestDuration = factory.CreateHistogram(
            "plexus_request_duration_seconds",
            "Time from receiving a request to the end of its response, by route target, method and status class.",
            request,
            new HistogramConfiguration { Buckets = DurationBuckets });
        UpstreamDuration = factory.CreateHistogram(
            "plexus_upstream_duration_seconds",
            "Time from sending a request to the backend until its response headers arrived.",
            target,
            new HistogramConfiguration { Buckets = DurationBuckets });
        UpstreamFailures = factory.CreateCounter(
            "plexus_upstream_failures_total",
            "Requests that could not be forwarded, by failure class (protocol-mismatch, connect-refused, tls, timeout, reset, no-endpoints, upstream-error).",
            ["namespace", "service", "port", "upstream_protocol", "class"]);
        UpstreamInFlight = factory.CreateGauge(
            "plexus_upstream_active_requests",
            "Requests sent to the backend and not finished yet; on h2c/h2 clusters each is one active HTTP/2 stream.",
            ["namespace", "service", "port", "upstream_protocol"]);
        _create = t => new RouteMetrics(this, t);
        Unrouted = new RouteMetrics(this, null);
    }

    public bool PerHost { get; }

    public Counter Requests { get; }

    public Histogram RequestDuration { get; }

    public Histogram UpstreamDuration { get; }

    public Counter UpstreamFailures { get; }

    public Gauge UpstreamInFlight { get; }

    /// <summary>Series of requests that matched no route (every label empty).</summary>
    public RouteMetrics Unrouted { get; }

    public RouteMetrics For(IPlexusRouteFeature? target) =>
        target is null ? Unrouted
        : _byTarget.TryGetValue(target, out var metrics) ? metrics
        : _byTarget.GetValue(target, _create);
}
