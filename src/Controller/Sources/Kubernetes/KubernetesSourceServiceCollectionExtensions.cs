using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Plexus.Controller.Sources.Kubernetes;

public static class KubernetesSourceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KubernetesSource"/> as a hosted service, its options (bound from <paramref name="configuration"/>,
    /// then <paramref name="configure"/>, e.g. command-line flags) and the <see cref="IKubernetes"/> client unless one is
    /// registered already. An <see cref="Store.IResourceSink"/> must be registered; an <see cref="IWatchObserver"/> may be.
    /// </summary>
    public static IServiceCollection AddKubernetesSource(
        this IServiceCollection services,
        IConfiguration? configuration = null,
        Action<KubernetesSourceOptions>? configure = null)
    {
        var options = services.AddOptions<KubernetesSourceOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton<IKubernetes>(sp => KubernetesClientFactory.Create(sp.GetRequiredService<IOptions<KubernetesSourceOptions>>().Value));
        services.AddHostedService<KubernetesSource>();
        return services;
    }
}
