using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Telemetry;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Plexus.Proxy.Hosting;

public static class PlexusProxyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Plexus data plane: YARP, its configuration provider, HTTP clients, <see cref="ISnapshotApplier"/> and
    /// its telemetry (configure <see cref="PlexusTelemetryOptions"/>; metrics go to the DI <c>Prometheus.CollectorRegistry</c>).
    /// </summary>
    public static IServiceCollection AddPlexusProxy(this IServiceCollection services, Action<PlexusProxyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PlexusProxyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => o.DefaultRequestTimeout > TimeSpan.Zero, "DefaultRequestTimeout must be positive")
            .Validate(o => o.ConnectTimeout > TimeSpan.Zero, "ConnectTimeout must be positive")
            .Validate(o => o.PooledConnectionIdleTimeout > TimeSpan.Zero, "PooledConnectionIdleTimeout must be positive")
            .Validate(o => o.ApplyTimeout > TimeSpan.Zero, "ApplyTimeout must be positive")
            .ValidateOnStart();

        // Registering twice would give YARP two providers publishing the same clusters.
        if (services.Any(d => d.ServiceType == typeof(PlexusProxyConfigProvider)))
        {
            return services;
        }

        services.AddReverseProxy().AddPlexusTransforms();
        services.RemoveAll<IForwarderHttpClientFactory>();
        services.AddSingleton<IForwarderHttpClientFactory, PlexusHttpClientFactory>();

        services.AddSingleton<PlexusProxyConfigProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<PlexusProxyConfigProvider>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RoutingStateHolder>();
        services.TryAddSingleton<PlexusRoutingMiddleware>();
        services.TryAddSingleton<PlexusUpstreamErrorMiddleware>();
        services.TryAddSingleton<BackendClientRegistry>();
        services.TryAddSingleton<SnapshotApplier>();
        services.TryAddSingleton<ISnapshotApplier>(sp => sp.GetRequiredService<SnapshotApplier>());
        services.AddPlexusProxyTelemetry();
        return services;
    }
}
