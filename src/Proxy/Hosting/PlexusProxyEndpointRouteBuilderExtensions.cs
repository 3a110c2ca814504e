using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Plexus.Proxy.Forwarding;

namespace Plexus.Proxy.Hosting;

public static class PlexusProxyEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the proxy: one catch-all endpoint whose pipeline reports upstream failures, routes by Host + path, balances
    /// and forwards. Apply snapshots through <see cref="ISnapshotApplier"/> once the application has started.
    /// </summary>
    public static IEndpointRouteBuilder MapPlexusProxy(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var errors = endpoints.ServiceProvider.GetRequiredService<PlexusUpstreamErrorMiddleware>();
        var routing = endpoints.ServiceProvider.GetRequiredService<PlexusRoutingMiddleware>();
        endpoints.MapReverseProxy(pipeline =>
        {
            pipeline.Use(errors.InvokeAsync);
            pipeline.Use(routing.InvokeAsync);
            pipeline.UseLoadBalancing();
        });
        return endpoints;
    }
}
