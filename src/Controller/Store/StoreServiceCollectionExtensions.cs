using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Plexus.Controller.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the single <see cref="ResourceStore"/>, also as the <see cref="IResourceSink"/> the sources write to,
    /// and <see cref="TimeProvider.System"/> unless a TimeProvider is registered already.
    /// </summary>
    public static IServiceCollection AddResourceStore(this IServiceCollection services, Action<ResourceStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ResourceStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ResourceStore>();
        services.TryAddSingleton<IResourceSink>(sp => sp.GetRequiredService<ResourceStore>());
        return services;
    }
}
