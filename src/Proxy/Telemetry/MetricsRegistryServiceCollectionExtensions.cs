using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace Plexus.Proxy.Telemetry;

public static class MetricsRegistryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the process' one Prometheus registry (a <see cref="CollectorRegistry"/> and the <see cref="IMetricFactory"/>
    /// writing to it). Never prometheus-net's static default registry: every host (and every test) gets its own.
    /// </summary>
    public static IServiceCollection AddPlexusMetricsRegistry(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(_ =>
        {
            var registry = Metrics.NewCustomRegistry();
            // Process and GC figures, computed only when scraped. The default registry's Meter and EventCounter adapters
            // are left out: they would turn on per-request instruments of Kestrel and HttpClient.
            DotNetStats.Register(registry);
            return registry;
        });
        services.TryAddSingleton<IMetricFactory>(sp =>
        {
            var factory = Metrics.WithCustomRegistry(sp.GetRequiredService<CollectorRegistry>());
            // The default reads Activity.Current on every observation and allocates an exemplar when tracing is on.
            factory.ExemplarBehavior = new ExemplarBehavior { DefaultExemplarProvider = (_, _) => Exemplar.None };
            return factory;
        });
        return services;
    }
}
