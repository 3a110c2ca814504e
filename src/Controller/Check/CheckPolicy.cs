using System.Collections.Immutable;
using Plexus.Controller.Translation;

namespace Plexus.Controller.Check;

/// <summary>
/// What fails the gate. The rule is "exit 1 when something mismatches", read as: something proves, or states,
/// that traffic under the declared protocol would fail.
/// <list type="bullet">
/// <item>Fail: an active <c>Mismatch</c> on any endpoint of the port; a readiness probe that proves a protocol the
/// declaration cannot be (grpc probe on an http port, cleartext probe on a TLS port, HTTPS probe on a cleartext
/// port); an invalid protocol value (<c>InvalidBackendProtocol</c>, e.g. appProtocol <c>h2c</c> without the
/// <c>kubernetes.io/</c> prefix: silently ignoring it is exactly what the gate is for); two sources that disagree
/// (<c>BackendProtocolConflict</c>: one of them is wrong, and which one wins is precedence, not intent); any
/// diagnostic of severity Error, which the translator gives to what leaves a route unserved (missing Service or
/// port, no ready endpoints, an ignored rule, a path another Ingress owns); no Ingress of the class at all.</item>
/// <item>Warning, exit 0: an httpGet probe on an h2c port. It proves HTTP/1.1 and not h2c, but servers that speak
/// both on one port exist (Go's h2c handler, Plexus' own listener); only an active probe can settle it, so run
/// with <c>--probe</c> where endpoints are reachable (a Mismatch then fails). An <c>Unproven</c> endpoint
/// (unreachable, timed out) is a health matter, not a protocol one. Every other Warning diagnostic (a TLS Secret
/// problem, a corrected chain). With <c>--strict</c> warnings fail too.</item>
/// </list>
/// </summary>
public static class CheckPolicy
{
    /// <summary>The finding of a check that found nothing to route.</summary>
    public const string NoIngressOfTheClass = nameof(NoIngressOfTheClass);

    /// <summary>Diagnostic reasons that fail the gate wherever they appear.</summary>
    public static ImmutableHashSet<string> FailingReasons { get; } = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        DiagnosticReasons.InvalidBackendProtocol,
        DiagnosticReasons.BackendProtocolConflict);

    /// <summary>Whether a finding fails the gate: an Error, a failing reason, or (with <paramref name="strict"/>) a Warning.</summary>
    public static bool Fails(DiagnosticReport diagnostic, bool strict)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        return diagnostic.Severity == Proxy.Model.DiagnosticSeverity.Error
            || FailingReasons.Contains(diagnostic.Reason)
            || (strict && diagnostic.Severity == Proxy.Model.DiagnosticSeverity.Warning);
    }

    /// <summary>The status of one port and the reasons for it.</summary>
    public static (PortStatus Status, ImmutableArray<string> Problems) Judge(
        ReadinessReport readiness,
        ActiveReport active,
        IReadOnlyList<DiagnosticReport> diagnostics,
        bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var failures = ImmutableArray.CreateBuilder<string>();
        var warnings = ImmutableArray.CreateBuilder<string>();

        if (active.Status == ActiveStatus.Mismatch)
        {
            var reasons = active.Endpoints
                .Where(e => e.Verdict == Proxy.Model.VerdictKind.Mismatch)
                .Select(e => e.Reason ?? "mismatch")
                .Distinct(StringComparer.Ordinal);
            failures.Add($"{active.Mismatch} of {active.Endpoints.Length} endpoints mismatch: {string.Join("; ", reasons)}");
        }
        else if (active.Status == ActiveStatus.Unproven)
        {
            warnings.Add($"{active.Unproven} of {active.Endpoints.Length} endpoints unproven (unreachable or no answer)");
        }

        switch (readiness.Status)
        {
            case ReadinessStatus.Incompatible:
                failures.Add("readiness probes are incompatible with the declared protocol");
                break;
            case ReadinessStatus.Warning when active.Status != ActiveStatus.Verified:
                // A verified h2c endpoint speaks both: the HTTP/1.1 probe is then harmless.
                warnings.Add("readiness probes prove HTTP/1.1 on an h2c port; run with --probe where the endpoints are reachable to settle it");
                break;
        }

        foreach (var diagnostic in diagnostics)
        {
            if (Fails(diagnostic, strict))
            {
                failures.Add($"{diagnostic.Reason} on {diagnostic.Subject}");
            }
            else if (diagnostic.Severity == Proxy.Model.DiagnosticSeverity.Warning)
            {
                warnings.Add($"{diagnostic.Reason} on {diagnostic.Subject}");
            }
        }

        if (strict && failures.Count == 0 && warnings.Count > 0)
        {
            return (PortStatus.Fail, warnings.ToImmutable());
        }

        if (failures.Count > 0)
        {
            return (PortStatus.Fail, failures.Concat(warnings).ToImmutableArray());
        }

        return warnings.Count > 0 ? (PortStatus.Warning, warnings.ToImmutable()) : (PortStatus.Ok, []);
    }
}
