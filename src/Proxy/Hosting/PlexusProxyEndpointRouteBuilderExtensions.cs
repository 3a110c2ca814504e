using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Telemetry;

namespace Plexus.Proxy.Hosting;

public static class PlexusProxyEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the proxy: one catch-all endpoint whose pipeline records telemetry, reports upstream failures, routes by Host + path, balances
    /// and forwards. Apply snapshots through <see cref="ISnapshotApplier"/> once the application has started.
    /// </summary>
    public static IEndpointRouteBuilder MapPlexusProxy(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var errors = endpoints.ServiceProvider.GetRequiredService<PlexusUpstreamErrorMiddleware>();
        var routing = endpoints.ServiceProvider.GetRequiredService<PlexusRoutingMiddleware>();
        var telemetryOptions = endpoints.ServiceProvider.GetRequiredService<IOptions<PlexusTelemetryOptions>>().Value;
        // With metrics and access log off the pipeline is exactly what it is without telemetry (benchmarks compare both).
        var telemetry = telemetryOptions.RequestMetrics || telemetryOptions.AccessLog
            ? endpoints.ServiceProvider.GetRequiredService<PlexusTelemetryMiddleware>()
            : null;
        endpoints.MapReverseProxy(pipeline =>
        {
            if (telemetry is not null)
            {
                pipeline.Use(telemetry.InvokeAsync);
            }

            pipeline.Use(errors.InvokeAsync);
            pipeline.Use(routing.InvokeAsync);
            pipeline.UseLoadBalancing();
        });
        return endpoints;
    }
}
