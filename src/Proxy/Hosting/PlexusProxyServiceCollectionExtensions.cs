using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexus.Proxy.Forwarding;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Plexus.Proxy.Hosting;

public static class PlexusProxyServiceCollectionExtensions
{
    /// <summary>Registers the Plexus data plane: YARP, its configuration provider, HTTP clients and <see cref="ISnapshotApplier"/>.</summary>
    public static IServiceCollection AddPlexusProxy(this IServiceCollection services, Action<PlexusProxyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PlexusProxyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddReverseProxy();
        services.RemoveAll<IForwarderHttpClientFactory>();
        services.AddSingleton<IForwarderHttpClientFactory, PlexusHttpClientFactory>();

        services.TryAddSingleton<PlexusProxyConfigProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<PlexusProxyConfigProvider>());
        services.TryAddSingleton<RoutingStateHolder>();
        services.TryAddSingleton<PlexusRoutingMiddleware>();
        services.TryAddSingleton<PlexusUpstreamErrorMiddleware>();
        services.TryAddSingleton<SnapshotApplier>();
        services.TryAddSingleton<ISnapshotApplier>(sp => sp.GetRequiredService<SnapshotApplier>());
        return services;
    }
}
