using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Forwarding;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Plexus.Proxy.Telemetry;

/// <summary>
/// Times the backend exchange from inside YARP's forwarder: its request transforms run just before the request is sent,
/// its response transforms as soon as the response headers are in. Cheaper than an EventListener on YARP's telemetry.
/// </summary>
internal sealed class UpstreamTimingTransformProvider(IServiceProvider services, IOptions<PlexusTelemetryOptions> options) : ITransformProvider
{
    private ProxyRequestMetrics? _metrics;

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!options.Value.RequestMetrics && !options.Value.AccessLog)
        {
            return;
        }

        _metrics = options.Value.RequestMetrics ? services.GetRequiredService<ProxyRequestMetrics>() : null;
        context.AddRequestTransform(OnSending);
        context.AddResponseTransform(OnResponse);
    }

    private ValueTask OnSending(RequestTransformContext context)
    {
        var http = context.HttpContext;
        if (http.Features.Get<ProxyRequestTelemetry>() is { } telemetry)
        {
            var inFlight = _metrics?.For(http.Features.Get<IPlexusRouteFeature>());
            telemetry.Sending(inFlight);
        }

        return ValueTask.CompletedTask;
    }

    private static ValueTask OnResponse(ResponseTransformContext context)
    {
        if (context.ProxyResponse is not null && context.HttpContext.Features.Get<ProxyRequestTelemetry>() is { } telemetry)
        {
            telemetry.HeadersReceived();
        }

        return ValueTask.CompletedTask;
    }
}
