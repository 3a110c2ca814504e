using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Plexus.Proxy.Model;
using Yarp.ReverseProxy.Forwarder;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// Wraps forwarding: when YARP could not reach or understand the backend and nothing was sent to the client yet, answers
/// with an explicit error naming the cluster, its protocol and the failure class. Logs one line per failure class and
/// cluster at most every 10 seconds, with the count of those not logged (YARP's own per-request warning with a stack
/// trace is filtered out by the host).
/// </summary>
internal sealed class PlexusUpstreamErrorMiddleware(ILogger<PlexusUpstreamErrorMiddleware> logger, TimeProvider time)
{
    private readonly FailureLogThrottle _throttle = new(time, TimeSpan.FromSeconds(10));

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);

        var error = context.Features.Get<IForwarderErrorFeature>();
        if (error is null || !UpstreamFailureClassifier.IsUpstreamFailure(error.Error))
        {
            return;
        }

        var route = context.Features.Get<IPlexusRouteFeature>();
        var protocol = route?.EffectiveProtocol ?? BackendProtocol.Http;
        var failure = UpstreamFailureClassifier.Classify(error.Error, error.Exception, protocol);
        var clusterId = route?.Cluster.Id ?? "(none)";
        if (_throttle.ShouldLog(clusterId, failure.Class, out var suppressed))
        {
            // One line, no stack trace: a down backend fails every request the same way, and the class, the detail and
            // the cause's message say all an operator can act on. The trace stays available at Debug.
            logger.LogWarning(
                "Forwarding to cluster {Cluster} ({Protocol}) failed: {FailureClass}, {Detail}: {Cause}; {Suppressed} more failures of this class and cluster since the last entry",
                clusterId,
                protocol.ToWireName(),
                failure.Name,
                failure.Detail,
                error.Exception?.Message ?? error.Error.ToString(),
                suppressed);
            logger.LogDebug(error.Exception, "Forwarding to cluster {Cluster} failed ({ForwarderError})", clusterId, error.Error);
        }

        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var body = PlexusErrorResponse.UpstreamBody(route, failure.Name, failure.Detail);
        await PlexusErrorResponse.WriteAsync(context, failure.StatusCode, failure.Name, body);
    }
}
