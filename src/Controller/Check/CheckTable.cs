using System.Globalization;
using System.Text;
using Plexus.Controller.Translation;

namespace Plexus.Controller.Check;

/// <summary>
/// The text form of a <see cref="CheckReport"/>: a header line, an aligned table (one row per routed Service port),
/// the details of every port that is not ok, diagnostics concerning no port, and a result line.
/// </summary>
public static class CheckTable
{
    private static readonly string[] Headers = ["NAMESPACE", "SERVICE", "PORT", "PROTOCOL", "DECLARED BY", "READINESS", "ACTIVE", "RESULT"];

    public static string Render(CheckReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.Append("source: ").Append(report.Source)
            .Append(report.Namespace is null ? ", all namespaces" : $", namespace {report.Namespace}")
            .Append(", IngressClass ").Append(report.IngressClass)
            .Append(report.Probed ? ", endpoints probed" : ", endpoints not probed (use --probe)")
            .Append('\n');

        if (report.Ports.IsEmpty)
        {
            text.Append("no routed Service ports (no Ingress of this class routes anywhere)\n");
        }
        else
        {
            AppendTable(text, report.Ports.Select(Row).ToList());
        }

        foreach (var port in report.Ports.Where(p => p.Status != PortStatus.Ok || p.Diagnostics.Length > 0))
        {
            text.Append('\n').Append(port.Namespace).Append('/').Append(port.Service).Append(':').Append(port.Port)
                .Append(" (").Append(port.Protocol).Append(", declared by ").Append(port.DeclaredBy.Detail).Append(")\n");
            foreach (var problem in port.Problems)
            {
                text.Append("  ").Append(port.Status == PortStatus.Fail ? "problem: " : "note: ").Append(problem).Append('\n');
            }

            if (port.Readiness.Message is { } readiness)
            {
                text.Append("  readiness: ").Append(readiness).Append('\n');
            }

            foreach (var endpoint in port.Active.Endpoints.Where(e => e.Verdict != Proxy.Model.VerdictKind.Verified))
            {
                text.Append("  endpoint ").Append(endpoint.Address).Append(endpoint.Target is null ? string.Empty : $" ({endpoint.Target})")
                    .Append(": ").Append(endpoint.Verdict.ToString().ToLowerInvariant())
                    .Append(endpoint.Reason is null ? string.Empty : ": " + endpoint.Reason).Append('\n');
            }

            foreach (var diagnostic in port.Diagnostics)
            {
                text.Append("  ").Append(diagnostic.Reason).Append(": ").Append(diagnostic.Message).Append('\n');
            }
        }

        if (!report.Diagnostics.IsEmpty)
        {
            text.Append("\nother diagnostics:\n");
            foreach (var diagnostic in report.Diagnostics)
            {
                text.Append("  ").Append(diagnostic.Reason).Append(" on ").Append(diagnostic.Subject).Append(": ").Append(diagnostic.Message).Append('\n');
            }
        }

        var failed = report.Ports.Count(p => p.Status == PortStatus.Fail);
        var warned = report.Ports.Count(p => p.Status == PortStatus.Warning);
        text.Append('\n').Append(report.Result == CheckResult.Pass ? "PASS" : "FAIL").Append(": ")
            .Append(Count(report.Ports.Length, "port")).Append(" checked, ")
            .Append(failed.ToString(CultureInfo.InvariantCulture)).Append(" failed, ")
            .Append(Count(warned, "warning")).Append('\n');
        return text.ToString();
    }

    private static string[] Row(PortReport port) =>
    [
        port.Namespace,
        port.Service,
        port.PortName is null ? port.Port : $"{port.PortName} ({port.Port})",
        port.Protocol,
        SourceName(port.DeclaredBy.Source),
        port.Readiness.Status switch
        {
            ReadinessStatus.Ok => "ok",
            ReadinessStatus.Warning => "warning",
            ReadinessStatus.Incompatible => "incompatible",
            _ => "no information",
        },
        port.Active.Status switch
        {
            ActiveStatus.NotProbed => "not probed",
            ActiveStatus.NoEndpoints => "no endpoints",
            ActiveStatus.Verified => $"verified {Fraction(port.Active.Verified, port.Active)}",
            ActiveStatus.Mismatch => $"mismatch {Fraction(port.Active.Mismatch, port.Active)}",
            _ => $"unproven {Fraction(port.Active.Unproven, port.Active)}",
        },
        port.Status switch
        {
            PortStatus.Ok => "ok",
            PortStatus.Warning => "warning",
            _ => "FAIL",
        },
    ];

    /// <summary>Short names of declaration sources for the table; the details show the declaration as written.</summary>
    public static string SourceName(ProtocolSource source) => source switch
    {
        ProtocolSource.PlexusAnnotation => "plexus.dev annotation",
        ProtocolSource.AppProtocol => "appProtocol",
        ProtocolSource.IngressNginxAnnotation => "ingress-nginx annotation",
        ProtocolSource.TraefikAnnotation => "traefik annotation",
        ProtocolSource.ContourAnnotation => "contour annotation",
        _ => "default",
    };

    private static string Fraction(int count, ActiveReport active) =>
        $"{count.ToString(CultureInfo.InvariantCulture)}/{active.Endpoints.Length.ToString(CultureInfo.InvariantCulture)}";

    private static string Count(int count, string noun) =>
        $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? string.Empty : "s")}";

    private static void AppendTable(StringBuilder text, List<string[]> rows)
    {
        var widths = Headers.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        AppendRow(text, Headers, widths);
        foreach (var row in rows)
        {
            AppendRow(text, row, widths);
        }
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        text.Append(line.ToString().TrimEnd()).Append('\n');
    }
}
