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
        { ReadinessStatus.Ok, "not-probed", "NoReadyEndpoints", PortStatus.Ok },
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
        DiagnosticReport[] diagnostics = reason is null ? [] : [new(DiagnosticSeverity.Warning, "Service/ns/svc", reason, "message")];

        var (status, problems) = CheckPolicy.Judge(new ReadinessReport(readiness, null), report, diagnostics);

        Assert.Equal(expected, status);
        Assert.Equal(expected == PortStatus.Ok, problems.IsEmpty);
    }
}
