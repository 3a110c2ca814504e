using System.Collections.Immutable;

namespace Plexus.Controller.Check;

// The report of `plexus check`. Its JSON form (--output json) is a contract for CI scripts: property names are
// these names in camelCase and enum values in kebab-case (see CheckJson). Add fields freely; never rename or
// remove one.

/// <summary>The whole result of one check.</summary>
/// <param name="Source">What was read: "manifests DIR", "kubeconfig FILE" or "in-cluster".</param>
/// <param name="Namespace">The namespace filter; null means all namespaces.</param>
/// <param name="IngressClass">The IngressClass checked.</param>
/// <param name="Probed">Whether endpoints were actively probed (<c>--probe</c>).</param>
/// <param name="Ports">One entry per routed Service port, ordered by namespace, Service, port.</param>
/// <param name="Diagnostics">Diagnostics of the build that concern no routed port (e.g. an IngressClass problem).</param>
/// <param name="Result">Pass or fail: the exit code is 0 or 1 accordingly.</param>
public sealed record CheckReport(
    string Source,
    string? Namespace,
    string IngressClass,
    bool Probed,
    ImmutableArray<PortReport> Ports,
    ImmutableArray<DiagnosticReport> Diagnostics,
    CheckResult Result)
{
    /// <summary>The process exit code: 0 pass, 1 fail (2 is never a report: it means no report could be made).</summary>
    public int ExitCode => Result == CheckResult.Pass ? CheckExitCodes.Pass : CheckExitCodes.Fail;
}

/// <summary>Exit codes of <c>plexus check</c>.</summary>
public static class CheckExitCodes
{
    /// <summary>Nothing mismatches (warnings may be present).</summary>
    public const int Pass = 0;

    /// <summary>Something mismatches: see <see cref="CheckPolicy"/>.</summary>
    public const int Fail = 1;

    /// <summary>Bad flags, unreadable input, or the Kubernetes API could not be read: nothing was checked.</summary>
    public const int Error = 2;
}

public enum CheckResult
{
    Pass,
    Fail,
}

/// <summary>One routed Service port.</summary>
/// <param name="Namespace">Service namespace.</param>
/// <param name="Service">Service name.</param>
/// <param name="Port">The Service port number as text (the port as written when it could not be resolved).</param>
/// <param name="PortName">The port's name, when it has one.</param>
/// <param name="Cluster">The cluster id in the snapshot ("ns/service:port").</param>
/// <param name="Protocol">The declared protocol: http, h2c, h2, https or auto.</param>
/// <param name="DeclaredBy">Where the declaration came from.</param>
/// <param name="Readiness">What the readiness probes of the pods behind the port say.</param>
/// <param name="Active">What the active probes saw (status <c>not-probed</c> without <c>--probe</c>).</param>
/// <param name="Diagnostics">Diagnostics about this Service port (protocol declaration problems and others).</param>
/// <param name="Status">The verdict for this port.</param>
/// <param name="Problems">Why the status is not <c>ok</c>, one sentence each.</param>
public sealed record PortReport(
    string Namespace,
    string Service,
    string Port,
    string? PortName,
    string Cluster,
    string Protocol,
    DeclarationReport DeclaredBy,
    ReadinessReport Readiness,
    ActiveReport Active,
    ImmutableArray<DiagnosticReport> Diagnostics,
    PortStatus Status,
    ImmutableArray<string> Problems);

public enum PortStatus
{
    /// <summary>Nothing to report.</summary>
    Ok,

    /// <summary>Something deserves a look but does not fail the gate.</summary>
    Warning,

    /// <summary>A mismatch: the gate fails.</summary>
    Fail,
}

/// <summary>Where a declaration came from.</summary>
/// <param name="Source">The kind of source, e.g. <c>app-protocol</c>, <c>plexus-annotation</c>, <c>default</c>.</param>
/// <param name="Detail">The declaration as written.</param>
public sealed record DeclarationReport(Translation.ProtocolSource Source, string Detail);

public enum ReadinessStatus
{
    /// <summary>No readiness probe on the port proves anything (none, tcpSocket, exec, another port, no pods known).</summary>
    NoInformation,

    /// <summary>Probes prove something consistent with the declaration.</summary>
    Ok,

    /// <summary>An httpGet probe on an h2c port: it proves HTTP/1.1 only; the server may or may not speak h2c too.</summary>
    Warning,

    /// <summary>A probe proves something the declared protocol cannot be (e.g. a grpc probe on an http port).</summary>
    Incompatible,
}

/// <summary>The readiness-probe verdict of one port.</summary>
/// <param name="Status">The verdict.</param>
/// <param name="Message">The ReadinessProbeIncompatible diagnostic of this port (which pods, what, the fix); null when none.</param>
public sealed record ReadinessReport(ReadinessStatus Status, string? Message);

public enum ActiveStatus
{
    /// <summary>Run without <c>--probe</c>.</summary>
    NotProbed,

    /// <summary>The port has no ready endpoints to probe.</summary>
    NoEndpoints,

    /// <summary>Every endpoint answered with the declared protocol.</summary>
    Verified,

    /// <summary>At least one endpoint speaks something else.</summary>
    Mismatch,

    /// <summary>No mismatch, but at least one endpoint could not be proven (unreachable, timed out).</summary>
    Unproven,
}

/// <summary>The active verdicts of one port's endpoints.</summary>
public sealed record ActiveReport(ActiveStatus Status, int Verified, int Mismatch, int Unproven, ImmutableArray<EndpointReport> Endpoints)
{
    public static ActiveReport NotProbed { get; } = new(ActiveStatus.NotProbed, 0, 0, 0, []);
}

/// <summary>One endpoint's active verdict.</summary>
/// <param name="Address">host:port.</param>
/// <param name="Target">What stands behind it, e.g. "pod/ns/name".</param>
/// <param name="Verdict">unproven, verified or mismatch.</param>
/// <param name="Observed">The protocol the endpoint was seen to speak, when known.</param>
/// <param name="Reason">Why, e.g. "speaks HTTP/1.1 only".</param>
public sealed record EndpointReport(string Address, string? Target, Proxy.Model.VerdictKind Verdict, string? Observed, string? Reason);

/// <summary>A diagnostic of the translator.</summary>
/// <param name="Severity">info, warning or error.</param>
/// <param name="Subject">"Kind/namespace/name".</param>
/// <param name="Reason">CamelCase reason, as in Kubernetes Events.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record DiagnosticReport(Proxy.Model.DiagnosticSeverity Severity, string Subject, string Reason, string Message);
