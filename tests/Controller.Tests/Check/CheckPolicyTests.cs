using Plexus.Controller.Check;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Check;

public class CheckPolicyTests
{
    private static readonly EndpointReport VerifiedEndpoint = new("127.0.0.1:1", null, VerdictKind.Verified, "h2c", null);
    private static readonly EndpointReport MismatchEndpoint = new("127.0.0.1:2", null, VerdictKind.Mismatch, "http", "speaks HTTP/1.1 only");
    private static readonly EndpointReport UnprovenEndpoint = new("127.0.0.1:3", null, VerdictKind.Unproven, null, "unreachable");

    public static TheoryData<ReadinessStatus, string, string?, PortStatus> Cases => new()
    {
        // Diagnostics are Warnings here unless the reason says Error ("Error:Reason"); --strict is the last table.
        // readiness, active (not-probed | verified | mismatch | unproven), diagnostic reason, expected
        { ReadinessStatus.NoInformation, "not-probed", null, PortStatus.Ok },
        { ReadinessStatus.Ok, "verified", null, PortStatus.Ok },
        { ReadinessStatus.Warning, "not-probed", null, PortStatus.Warning },
        { ReadinessStatus.Warning, "verified", null, PortStatus.Ok },
        { ReadinessStatus.Warning, "unproven", null, PortStatus.Warning },
        { ReadinessStatus.Warning, "mismatch", null, PortStatus.Fail },
        { ReadinessStatus.Incompatible, "not-probed", null, PortStatus.Fail },
        { ReadinessStatus.Ok, "unproven", null, PortStatus.Warning },
        { ReadinessStatus.Ok, "mismatch", null, PortStatus.Fail },
        { ReadinessStatus.Ok, "not-probed", "InvalidBackendProtocol", PortStatus.Fail },
        { ReadinessStatus.Ok, "not-probed", "BackendProtocolConflict", PortStatus.Fail },
        { ReadinessStatus.Ok, "not-probed", "TlsSecretNotFound", PortStatus.Warning },
        { ReadinessStatus.Ok, "not-probed", "Error:NoReadyEndpoints", PortStatus.Fail },
        { ReadinessStatus.Ok, "not-probed", "Error:ServiceNotFound", PortStatus.Fail },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Judges_a_port(ReadinessStatus readiness, string active, string? reason, PortStatus expected)
    {
        var report = active switch
        {
            "verified" => new ActiveReport(ActiveStatus.Verified, 1, 0, 0, [VerifiedEndpoint]),
            "mismatch" => new ActiveReport(ActiveStatus.Mismatch, 1, 1, 0, [VerifiedEndpoint, MismatchEndpoint]),
            "unproven" => new ActiveReport(ActiveStatus.Unproven, 1, 0, 1, [VerifiedEndpoint, UnprovenEndpoint]),
            _ => ActiveReport.NotProbed,
        };
        DiagnosticReport[] diagnostics = reason is null ? [] : [Diagnostic(reason)];

        var (status, problems) = CheckPolicy.Judge(new ReadinessReport(readiness, null), report, diagnostics);

        Assert.Equal(expected, status);
        Assert.Equal(expected == PortStatus.Ok, problems.IsEmpty);
    }

    [Theory]
    [InlineData(null, PortStatus.Ok)]
    [InlineData("TlsSecretNotFound", PortStatus.Fail)]
    [InlineData("Error:ServiceNotFound", PortStatus.Fail)]
    public void Strict_fails_on_warnings_too(string? reason, PortStatus expected)
    {
        DiagnosticReport[] diagnostics = reason is null ? [] : [Diagnostic(reason)];

        var (status, _) = CheckPolicy.Judge(new ReadinessReport(ReadinessStatus.Ok, null), ActiveReport.NotProbed, diagnostics, strict: true);

        Assert.Equal(expected, status);
    }

    private static DiagnosticReport Diagnostic(string reason) => reason.StartsWith("Error:", StringComparison.Ordinal)
        ? new(DiagnosticSeverity.Error, "Ingress/ns/ing", reason["Error:".Length..], "message")
        : new(DiagnosticSeverity.Warning, "Service/ns/svc", reason, "message");
}
