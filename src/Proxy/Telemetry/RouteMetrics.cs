using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;
using Prometheus;

namespace Plexus.Proxy.Telemetry;

/// <summary>
/// The labelled series of one route target, created on first use and kept as long as the target lives, so that recording
/// a request is array indexing plus the observations themselves (no label strings, no lookups).
/// </summary>
internal sealed class RouteMetrics
{
    private const int FailureClasses = (int)UpstreamFailureClass.NoEndpoints + 1;

    private readonly ProxyRequestMetrics _metrics;
    private readonly string[] _requestLabels;
    private readonly string[] _upstreamLabels;
    private readonly string[] _failureLabels;
    private readonly Counter.Child?[] _requests = new Counter.Child?[RequestLabels.Methods.Length * RequestLabels.StatusClasses.Length];
    private readonly Histogram.Child?[] _durations = new Histogram.Child?[RequestLabels.Methods.Length * RequestLabels.StatusClasses.Length];
    private readonly Counter.Child?[] _failures = new Counter.Child?[FailureClasses];
    private Histogram.Child? _upstreamDuration;
    private Gauge.Child? _inFlight;

    /// <param name="target">Null for requests that matched no route: every label is empty.</param>
    public RouteMetrics(ProxyRequestMetrics metrics, IPlexusRouteFeature? target)
    {
        _metrics = metrics;
        var route = target?.Route;
        var cluster = target?.Cluster;
        var ns = route?.Origin?.Namespace ?? cluster?.Origin?.Namespace ?? string.Empty;
        var ingress = route?.Origin?.Ingress ?? string.Empty;
        var service = cluster?.Origin?.Service ?? string.Empty;
        var port = cluster?.Origin?.Port ?? string.Empty;
        var protocol = target is null ? string.Empty : target.EffectiveProtocol.ToWireName();

        // The route's host, not the request's: a wildcard or default-backend route would otherwise let clients mint series.
        _upstreamLabels = metrics.PerHost
            ? [ns, ingress, service, port, protocol, route?.Host ?? string.Empty]
            : [ns, ingress, service, port, protocol];
        _requestLabels = metrics.PerHost
            ? [ns, ingress, service, port, protocol, route?.Host ?? string.Empty, string.Empty, string.Empty]
            : [ns, ingress, service, port, protocol, string.Empty, string.Empty];
        _failureLabels = [ns, service, port, protocol, string.Empty];
    }

    public void RequestCompleted(int methodIndex, int statusClassIndex, double seconds)
    {
        var slot = (methodIndex * RequestLabels.StatusClasses.Length) + statusClassIndex;
        (_durations[slot] ??= _metrics.RequestDuration.WithLabels(RequestLabelValues(methodIndex, statusClassIndex))).Observe(seconds);
        (_requests[slot] ??= _metrics.Requests.WithLabels(RequestLabelValues(methodIndex, statusClassIndex))).Inc();
    }

    public void UpstreamAnswered(double seconds) =>
        (_upstreamDuration ??= _metrics.UpstreamDuration.WithLabels(_upstreamLabels)).Observe(seconds);

    public void UpstreamFailed(UpstreamFailureClass failureClass)
    {
        var slot = (int)failureClass;
        (_failures[slot] ??= _metrics.UpstreamFailures.WithLabels(FailureLabelValues(failureClass))).Inc();
    }

    /// <summary>Requests on their way to the backend: for h2c/h2 clusters, each is one HTTP/2 stream.</summary>
    public Gauge.Child InFlight => _inFlight ??= _metrics.UpstreamInFlight.WithLabels(_failureLabels[..4]);

    private string[] RequestLabelValues(int methodIndex, int statusClassIndex)
    {
        var values = (string[])_requestLabels.Clone();
        values[^2] = RequestLabels.Methods[methodIndex];
        values[^1] = RequestLabels.StatusClasses[statusClassIndex];
        return values;
    }

    private string[] FailureLabelValues(UpstreamFailureClass failureClass)
    {
        var values = (string[])_failureLabels.Clone();
        values[^1] = UpstreamFailureClassifier.Name(failureClass);
        return values;
    }
}
