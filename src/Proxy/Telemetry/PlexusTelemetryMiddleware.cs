using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Plexus.Proxy.Telemetry;

/// <summary>
/// Outermost step of the proxy pipeline: once a request is over (Plexus' own error answers included) it records the
/// request metrics and hands an access log entry to the background writer. Mapped only when one of them is on.
/// </summary>
internal sealed class PlexusTelemetryMiddleware(ProxyRequestMetrics? metrics, AccessLogWriter? accessLog)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var started = Stopwatch.GetTimestamp();
        var telemetry = new ProxyRequestTelemetry();
        context.Features.Set(telemetry);
        var completed = false;
        try
        {
            await next(context);
            completed = true;
        }
        finally
        {
            telemetry.Finished();
            Record(context, telemetry, Stopwatch.GetElapsedTime(started), completed);
        }
    }

    private void Record(HttpContext context, ProxyRequestTelemetry telemetry, TimeSpan elapsed, bool completed)
    {
        var response = context.Response;
        // An exception escaping the pipeline becomes Kestrel's 500 when nothing was sent yet.
        var status = completed || response.HasStarted ? response.StatusCode : StatusCodes.Status500InternalServerError;
        var target = context.Features.Get<IPlexusRouteFeature>();
        var plexusError = telemetry.WasForwarded || status < 400 ? null : OwnErrorClass(response);
        var failure = FailureOf(context, target, plexusError);

        if (metrics is not null)
        {
            var series = metrics.For(target);
            if (telemetry.UpstreamSeconds is { } upstream)
            {
                series.UpstreamAnswered(upstream);
            }

            if (failure is { } failureClass)
            {
                series.UpstreamFailed(failureClass);
            }

            // Last, so that a reader who sees the request counted sees everything else about it too.
            series.RequestCompleted(RequestLabels.MethodIndex(context.Request.Method), RequestLabels.StatusClassIndex(status), elapsed.TotalSeconds);
        }

        if (accessLog is not null)
        {
            var request = context.Request;
            var activity = Activity.Current;
            accessLog.TryWrite(new AccessLogEntry(
                DateTimeOffset.UtcNow,
                context.Connection.RemoteIpAddress?.ToString(),
                request.Method,
                request.Host.Value,
                request.Path.Value,
                request.Protocol,
                request.Scheme,
                status,
                elapsed.TotalMilliseconds,
                context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.Model.Config.Address,
                target?.EffectiveProtocol.ToWireName(),
                target?.Route?.Id,
                target?.Cluster.Id,
                failure is { } f ? UpstreamFailureClassifier.Name(f) : plexusError,
                telemetry.UpstreamSeconds is { } seconds ? seconds * 1000 : null,
                activity is null ? null : activity.TraceId.ToHexString()));
        }
    }

    /// <summary>The class of a failure to reach the backend, from YARP's error or from Plexus' own 502/503 answers.</summary>
    private static UpstreamFailureClass? FailureOf(HttpContext context, IPlexusRouteFeature? target, string? plexusError)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            return UpstreamFailureClassifier.IsUpstreamFailure(error.Error)
                ? UpstreamFailureClassifier.Classify(error.Error, error.Exception, target?.EffectiveProtocol ?? BackendProtocol.Http).Class
                : null;
        }

        if (target is null)
        {
            return null;
        }

        return plexusError switch
        {
            "no-endpoints" => UpstreamFailureClass.NoEndpoints,
            "protocol-mismatch" => UpstreamFailureClass.ProtocolMismatch,
            _ => null,
        };
    }

    /// <summary>The <c>X-Plexus-Error</c> of an answer Plexus wrote itself (nothing was forwarded, so no backend set it).</summary>
    private static string? OwnErrorClass(HttpResponse response) =>
        response.Headers.TryGetValue(PlexusErrorResponse.HeaderName, out var value) ? value.ToString() : null;
}
