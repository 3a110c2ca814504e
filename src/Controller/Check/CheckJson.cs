using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plexus.Controller.Check;

/// <summary>
/// The JSON form of a <see cref="CheckReport"/> (<c>--output json</c>): camelCase property names, kebab-case enum
/// values, nulls written. Shape:
/// <code>
/// { "source", "namespace", "ingressClass", "probed", "result": "pass|fail", "exitCode",
///   "ports": [ { "namespace", "service", "port", "portName", "cluster", "protocol",
///                "declaredBy": { "source": "plexus-annotation|app-protocol|ingress-nginx-annotation|traefik-annotation|contour-annotation|default", "detail" },
///                "readiness": { "status": "no-information|ok|warning|incompatible", "message" },
///                "active": { "status": "not-probed|no-endpoints|verified|mismatch|unproven", "verified", "mismatch", "unproven",
///                            "endpoints": [ { "address", "target", "verdict": "unproven|verified|mismatch", "observed", "reason" } ] },
///                "diagnostics": [ { "severity": "info|warning|error", "subject", "reason", "message" } ],
///                "status": "ok|warning|fail", "problems": [ "..." ] } ],
///   "diagnostics": [ ...diagnostics concerning no routed port... ] }
/// </code>
/// </summary>
public static class CheckJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        WriteIndented = true,
    };

    public static string Serialize(CheckReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(report, Options);
    }
}
