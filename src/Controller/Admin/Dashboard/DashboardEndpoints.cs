using System.Text.Json;
using Plexus.Controller.Sources;
using Plexus.Proxy;

namespace Plexus.Controller.Admin.Dashboard;

/// <summary>The dashboard: the page at <c>/</c> and the JSON it reads at <c>/api/dashboard</c> (plus <c>/metrics</c> for rates).</summary>
public static class DashboardEndpoints
{
    // Everything is inline and same-origin. Only the page's own script may run (by its hash), so even markup that
    // slipped into the document could neither load nor run anything.
    private static readonly string ContentSecurityPolicy =
        $"default-src 'none'; script-src '{DashboardPage.ScriptHash}'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapPlexusDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        endpoints.MapGet("/", (HttpContext context) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "no-referrer";
            return Results.Content(DashboardPage.Html, "text/html; charset=utf-8");
        });
        endpoints.MapGet("/api/dashboard", (ISnapshotApplier proxy, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(DashboardDocument.From(proxy.Current, context.RequestServices.SourceDiagnostics()), Json);
        });
        return endpoints;
    }
}
