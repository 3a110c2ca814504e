using System.Collections.Immutable;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Translation;

public class VerdictDiagnosticsTests
{
    private static readonly ProtocolVerdict Mismatch = new(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only");
    private static readonly ProtocolVerdict Verified = new(VerdictKind.Verified, BackendProtocol.H2c);

    private static ProxyCluster Cluster(params ProtocolVerdict[] verdicts) =>
        new("shop/api:80", BackendProtocol.H2c, [.. verdicts.Select((v, i) => new BackendEndpoint($"10.0.0.{i + 1}", 8080, v))])
        {
            Origin = new ClusterOrigin("shop", "api", "80"),
        };

    public static TheoryData<string, ProtocolVerdict[], string?> Cases => new()
    {
        { "no endpoints", [], null },
        { "all verified", [Verified, Verified], null },
        { "unproven is a health matter", [ProtocolVerdict.Unproven], null },
        { "one of two", [Verified, Mismatch], "1 of 2 endpoints of port 80 do not speak the declared protocol h2c: 10.0.0.2:8080 speaks HTTP/1.1 only; they get no traffic" },
        { "all of them", [Mismatch, Mismatch], "no endpoint is left, so its routes answer 502 protocol-mismatch" },
        { "names three at most", [Mismatch, Mismatch, Mismatch, Mismatch, Mismatch], "10.0.0.3:8080 speaks HTTP/1.1 only and 2 more" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void One_warning_per_cluster_on_its_Service(string name, ProtocolVerdict[] verdicts, string? expected)
    {
        var diagnostic = VerdictDiagnostics.For(Cluster(verdicts));

        if (expected is null)
        {
            Assert.True(diagnostic is null, name);
            return;
        }

        Assert.NotNull(diagnostic);
        Assert.Equal(DiagnosticReasons.BackendProtocolMismatch, diagnostic.Reason);
        Assert.Equal(new ObjectRef("Service", "shop", "api"), diagnostic.Subject);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains(expected, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restamp_replaces_stale_verdict_diagnostics_and_keeps_the_others()
    {
        var other = new Diagnostic(DiagnosticSeverity.Warning, new ObjectRef("Ingress", "shop", "web"), DiagnosticReasons.ServiceNotFound, "x");
        var stale = new Diagnostic(DiagnosticSeverity.Warning, new ObjectRef("Service", "shop", "gone"), DiagnosticReasons.BackendProtocolMismatch, "old");
        var snapshot = new ProxySnapshot(1, [], [Cluster(Verified, Mismatch)], [], [other, stale]);

        var restamped = VerdictDiagnostics.Restamp(snapshot);

        Assert.Equal(2, restamped.Diagnostics.Length);
        Assert.Contains(other, restamped.Diagnostics);
        Assert.DoesNotContain(stale, restamped.Diagnostics);
        Assert.Contains(restamped.Diagnostics, d => d.Reason == DiagnosticReasons.BackendProtocolMismatch && d.Subject.Name == "api");
    }

    [Fact]
    public void Restamp_returns_the_same_snapshot_when_nothing_mismatches()
    {
        var snapshot = new ProxySnapshot(1, [], [Cluster(Verified)], [], ImmutableArray<Diagnostic>.Empty);

        Assert.Same(snapshot, VerdictDiagnostics.Restamp(snapshot));
    }
}
