using System.Text.Json;
using System.Text.Json.Serialization;
using Plexus.Controller.Runtime;
using Plexus.Controller.Sources;
using Plexus.Proxy;
using Prometheus;

namespace Plexus.Controller.Admin;

/// <summary>The admin port's endpoints. Mapped only on the admin listener, never on the traffic ports.</summary>
public static class AdminEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapPlexusAdmin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/readyz", (ReadinessState readiness) => readiness.IsReady
            ? Results.Text("ready\n")
            : Results.Text(readiness.IsDraining ? "draining\n" : "waiting for the first full sync\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        endpoints.MapMetrics("/metrics", endpoints.ServiceProvider.GetRequiredService<CollectorRegistry>());
        endpoints.MapGet("/api/snapshot", (ISnapshotApplier proxy, HttpContext context) =>
            Results.Json(SnapshotDocument.From(proxy.Current, context.RequestServices.SourceDiagnostics()), Json));
        Dashboard.DashboardEndpoints.MapPlexusDashboard(endpoints);
        return endpoints;
    }
}
