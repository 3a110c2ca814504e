using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Plexus.Proxy.Telemetry;

internal static class ProxyTelemetryServiceCollectionExtensions
{
    /// <summary>Request metrics, upstream timing, connection metrics and the access log; each is inert when switched off.</summary>
    public static IServiceCollection AddPlexusProxyTelemetry(this IServiceCollection services)
    {
        services.AddOptions<PlexusTelemetryOptions>()
            .Validate(o => o.AccessLogCapacity > 0, "AccessLogCapacity must be positive");
        services.AddPlexusMetricsRegistry();
        services.TryAddSingleton<ProxyRequestMetrics>();
        services.TryAddSingleton(_ => AccessLogOutput.StandardOutput());
        services.TryAddSingleton<AccessLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<AccessLogWriter>());
        services.TryAddSingleton<UpstreamConnectionMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<UpstreamConnectionMetrics>());
        services.AddSingleton<ITransformProvider, UpstreamTimingTransformProvider>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PlexusTelemetryOptions>>().Value;
            return new PlexusTelemetryMiddleware(
                options.RequestMetrics ? sp.GetRequiredService<ProxyRequestMetrics>() : null,
                options.AccessLog ? sp.GetRequiredService<AccessLogWriter>() : null);
        });
        return services;
    }
}
