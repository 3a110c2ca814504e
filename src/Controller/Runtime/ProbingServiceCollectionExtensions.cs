using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Probing;
using Plexus.Proxy.Telemetry;

namespace Plexus.Controller.Runtime;

public static class ProbingServiceCollectionExtensions
{
    /// <summary>
    /// The prober, the <see cref="ProbeScheduler"/> (a hosted service; register before the pipeline), the metrics
    /// registry and the verdict metric. Options from <paramref name="section"/> ("Plexus:Probe").
    /// </summary>
    public static IServiceCollection AddProtocolProbing(this IServiceCollection services, IConfiguration section)
    {
        services.Configure<ProbeOptions>(section);
        services.Configure<ProbeSchedulerOptions>(section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IProtocolProber>(sp => new ProtocolProber(sp.GetRequiredService<IOptions<ProbeOptions>>().Value));
        services.AddPlexusMetricsRegistry();
        services.TryAddSingleton<ProtocolVerdictMetrics>();
        services.TryAddSingleton<ProbeScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<ProbeScheduler>());
        return services;
    }
}
