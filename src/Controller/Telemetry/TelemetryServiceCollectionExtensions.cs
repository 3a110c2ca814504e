using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Plexus.Controller.Hosting;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Proxy.Telemetry;

namespace Plexus.Controller.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the process' metrics registry, control-plane and watch metrics, the data plane's telemetry switches and,
    /// when an OTLP endpoint is configured, tracing.
    /// </summary>
    public static IServiceCollection AddPlexusTelemetry(this IServiceCollection services, IConfiguration configuration, ControllerOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        services.AddPlexusMetricsRegistry();
        services.Configure<PlexusTelemetryOptions>(telemetry =>
        {
            telemetry.RequestMetrics = options.RequestMetrics;
            telemetry.MetricsPerHost = options.MetricsPerHost;
            telemetry.AccessLog = options.AccessLog;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ControlPlaneMetrics>();
        services.TryAddSingleton<WatchMetrics>();
        services.TryAddSingleton<IWatchObserver>(sp => sp.GetRequiredService<WatchMetrics>());
        services.AddPlexusTracing(configuration);
        return services;
    }

    /// <summary>
    /// True when the standard OpenTelemetry variables ask for trace export: an OTLP endpoint is set
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>), and neither
    /// <c>OTEL_SDK_DISABLED=true</c> nor <c>OTEL_TRACES_EXPORTER=none</c> says otherwise.
    /// </summary>
    public static bool IsTraceExportConfigured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase)
            || string.Equals(configuration["OTEL_TRACES_EXPORTER"], "none", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
            || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
    }

    /// <summary>
    /// OpenTelemetry tracing exported over OTLP, configured by the standard <c>OTEL_*</c> variables (read through
    /// <paramref name="configuration"/>, which holds the environment). Nothing is registered without an endpoint: no
    /// listener, so ASP.NET Core and HttpClient create no spans at all.
    /// </summary>
    public static IServiceCollection AddPlexusTracing(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsTraceExportConfigured(configuration))
        {
            return services;
        }

        var namedByEnvironment = !string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]);
        services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (!namedByEnvironment)
                {
                    resource.AddService("plexus");
                }
            })
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspnet =>
                {
                    // Scrapes and probes of the admin port are not traffic.
                    aspnet.Filter = context => context.Features.Get<AdminConnectionFeature>() is null;
                    aspnet.EnrichWithHttpResponse = ProxySpanEnricher.Enrich;
                })
                .AddHttpClientInstrumentation(http =>
                {
                    // Backend calls made for a traced request; not the Kubernetes client's lists and watches.
                    http.FilterHttpRequestMessage = _ => Activity.Current is not null;
                })
                .AddOtlpExporter());
        return services;
    }
}
