using System.Collections.Immutable;
using System.Globalization;
using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Check;

/// <summary>
/// Turns a translation result (plus, with <c>--probe</c>, the active verdicts) into a <see cref="CheckReport"/>.
/// Pure: no I/O. One row per cluster of the snapshot, i.e. per Service port referenced by a route or the default
/// backend.
/// </summary>
public static class CheckReportBuilder
{
    /// <param name="translation">The build to report on.</param>
    /// <param name="state">The state it was built from (Services for port names, Pods for readiness probes).</param>
    /// <param name="verdicts">Active verdicts by endpoint and declared protocol; null when not probed.</param>
    /// <param name="source">What was read, for the report header.</param>
    /// <param name="options">The check's options (namespace, class).</param>
    /// <param name="sourceDiagnostics">Problems of the input that never became objects (manifest files' skipped kinds, unknown fields): reported first, never failing.</param>
    public static CheckReport Build(
        TranslationResult translation,
        ResourceState state,
        IReadOnlyDictionary<ProbeKey, ProtocolVerdict>? verdicts,
        string source,
        CheckOptions options,
        IEnumerable<Diagnostic>? sourceDiagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(translation);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = translation.Snapshot;
        var ingressesByCluster = snapshot.Routes
            .Where(r => r.Origin is not null)
            .GroupBy(r => r.ClusterId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => (r.Origin!.Namespace, r.Origin.Ingress)).ToHashSet(), StringComparer.Ordinal);
        var attached = new HashSet<Diagnostic>();
        var ports = ImmutableArray.CreateBuilder<PortReport>(snapshot.Clusters.Length);

        foreach (var cluster in snapshot.Clusters)
        {
            if (cluster.Origin is not { } origin)
            {
                continue;
            }

            var declaration = translation.Protocols.GetValueOrDefault(cluster.Id) ?? ProtocolDeclaration.Default;
            var servicePort = FindPort(state, origin);
            var portLabel = servicePort is null ? origin.Port : ProtocolDeclarationResolver.PortLabel(servicePort);
            var ingresses = ingressesByCluster.GetValueOrDefault(cluster.Id);

            var diagnostics = ImmutableArray.CreateBuilder<DiagnosticReport>();
            foreach (var diagnostic in snapshot.Diagnostics)
            {
                if (diagnostic.Reason != DiagnosticReasons.ReadinessProbeIncompatible && Concerns(diagnostic, origin, portLabel, ingresses))
                {
                    diagnostics.Add(ToReport(diagnostic));
                    attached.Add(diagnostic);
                }
                else if (diagnostic.Reason == DiagnosticReasons.ReadinessProbeIncompatible && IsService(diagnostic, origin))
                {
                    attached.Add(diagnostic); // reported per port in the readiness column
                }
            }

            var readiness = Readiness(cluster, declaration, portLabel, state.Pods);
            var active = Active(cluster, verdicts);
            var (status, problems) = CheckPolicy.Judge(readiness, active, diagnostics, options.Strict);
            ports.Add(new PortReport(
                origin.Namespace,
                origin.Service,
                servicePort is null ? origin.Port : servicePort.Port.ToString(CultureInfo.InvariantCulture),
                string.IsNullOrEmpty(servicePort?.Name) ? null : servicePort.Name,
                cluster.Id,
                declaration.Protocol.ToWireName(),
                new DeclarationReport(declaration.Source, declaration.Detail),
                readiness,
                active,
                diagnostics.ToImmutable(),
                status,
                problems));
        }

        var others = snapshot.Diagnostics.Where(d => !attached.Contains(d)).Select(ToReport).ToImmutableArray();
        if (snapshot.Routes.IsEmpty && snapshot.DefaultClusterId is null)
        {
            others = others.Add(NoIngressOfTheClass(source, options.IngressClass));
        }

        var fails = ports.Any(p => p.Status == PortStatus.Fail) || others.Any(d => CheckPolicy.Fails(d, options.Strict));
        others = [.. (sourceDiagnostics ?? []).Select(ToReport), .. others];
        var ordered = ports
            .OrderBy(p => p.Namespace, StringComparer.Ordinal)
            .ThenBy(p => p.Service, StringComparer.Ordinal)
            .ThenBy(p => int.TryParse(p.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue)
            .ThenBy(p => p.Port, StringComparer.Ordinal)
            .ToImmutableArray();
        return new CheckReport(source, options.EffectiveNamespace, options.IngressClass, verdicts is not null, ordered, others, fails ? CheckResult.Fail : CheckResult.Pass);
    }

    /// <summary>Nothing would be routed: said as a finding, not as an empty table that passes.</summary>
    private static DiagnosticReport NoIngressOfTheClass(string source, string ingressClass) => new(
        DiagnosticSeverity.Error,
        $"IngressClass/{ingressClass}",
        CheckPolicy.NoIngressOfTheClass,
        $"{source} has no Ingress of class \"{ingressClass}\" that Plexus would serve: nothing would be routed. The IngressClass "
        + $"\"{ingressClass}\" must exist with controller {IngressClassFilter.ControllerName}, and Ingresses must name it in spec.ingressClassName "
        + "(or it must be the default class); --ingress-class checks another class.");

    /// <summary>
    /// The readiness verdict of one port. The message is the port's ReadinessProbeIncompatible diagnostic, computed
    /// per cluster with the translator's own checker: the snapshot's copy names the Service, not the port, so it
    /// could not be told apart from a sibling port's. The status splits what that diagnostic lumps together (see
    /// <see cref="CheckPolicy"/>): an HTTP/1.1 probe on an h2c port is a warning, everything else incompatible.
    /// </summary>
    public static ReadinessReport Readiness(ProxyCluster cluster, ProtocolDeclaration declaration, string portLabel, IReadOnlyDictionary<ObjectKey, PodProbes> pods)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(declaration);
        ArgumentNullException.ThrowIfNull(pods);
        var informative = false;
        var warning = false;
        var incompatible = false;
        foreach (var endpoint in cluster.Endpoints)
        {
            if (!ReadinessProbeChecker.TryPodKey(endpoint.TargetRef, out var podKey) || !pods.TryGetValue(podKey, out var pod))
            {
                continue;
            }

            foreach (var probe in pod.ReadinessProbes)
            {
                if (probe.Port != endpoint.Port || probe.Kind is not (ProbeKind.HttpGet or ProbeKind.Grpc))
                {
                    continue;
                }

                informative = true;
                if (ReadinessProbeChecker.Judge(probe, declaration.Protocol, endpoint.Port) is null)
                {
                    continue;
                }

                var http1OnH2c = probe.Kind == ProbeKind.HttpGet
                    && !string.Equals(probe.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase)
                    && declaration.Protocol == BackendProtocol.H2c;
                warning |= http1OnH2c;
                incompatible |= !http1OnH2c;
            }
        }

        var status = incompatible ? ReadinessStatus.Incompatible
            : warning ? ReadinessStatus.Warning
            : informative ? ReadinessStatus.Ok
            : ReadinessStatus.NoInformation;
        var message = status is ReadinessStatus.Incompatible or ReadinessStatus.Warning
            ? ReadinessProbeChecker.Check(cluster, declaration, portLabel, pods)?.Message
            : null;
        return new ReadinessReport(status, message);
    }

    /// <summary>Aggregates the endpoints' verdicts under the cluster's declared protocol.</summary>
    public static ActiveReport Active(ProxyCluster cluster, IReadOnlyDictionary<ProbeKey, ProtocolVerdict>? verdicts)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (verdicts is null)
        {
            return ActiveReport.NotProbed;
        }

        if (cluster.Endpoints.IsEmpty)
        {
            return new ActiveReport(ActiveStatus.NoEndpoints, 0, 0, 0, []);
        }

        int verified = 0, mismatch = 0, unproven = 0;
        var endpoints = ImmutableArray.CreateBuilder<EndpointReport>(cluster.Endpoints.Length);
        foreach (var endpoint in cluster.Endpoints)
        {
            var verdict = verdicts.GetValueOrDefault(new ProbeKey(endpoint.Host, endpoint.Port, cluster.Protocol))
                ?? new ProtocolVerdict(VerdictKind.Unproven, Reason: "not probed");
            switch (verdict.Kind)
            {
                case VerdictKind.Verified: verified++; break;
                case VerdictKind.Mismatch: mismatch++; break;
                default: unproven++; break;
            }

            endpoints.Add(new EndpointReport(endpoint.Authority, endpoint.TargetRef, verdict.Kind, verdict.Observed?.ToWireName(), verdict.Reason));
        }

        var status = mismatch > 0 ? ActiveStatus.Mismatch : unproven > 0 ? ActiveStatus.Unproven : ActiveStatus.Verified;
        return new ActiveReport(status, verified, mismatch, unproven, endpoints.ToImmutable());
    }

    /// <summary>
    /// Whether a diagnostic is about this Service port: diagnostics on the Service apply to every port, except the
    /// ones about one port, which the translator starts with "Port {label}"; protocol diagnostics on an Ingress
    /// (ingress-nginx annotation) apply to the ports its routes use.
    /// </summary>
    private static bool Concerns(Diagnostic diagnostic, ClusterOrigin origin, string portLabel, HashSet<(string, string)>? ingresses)
    {
        if (IsService(diagnostic, origin))
        {
            var message = diagnostic.Message;
            return !message.StartsWith("Port ", StringComparison.Ordinal)
                || message.StartsWith($"Port {portLabel}:", StringComparison.Ordinal)
                || message.StartsWith($"Port {portLabel} ", StringComparison.Ordinal);
        }

        return diagnostic.Subject.Kind == "Ingress"
            && CheckPolicy.FailingReasons.Contains(diagnostic.Reason)
            && ingresses is not null
            && ingresses.Contains((diagnostic.Subject.Namespace ?? string.Empty, diagnostic.Subject.Name));
    }

    private static bool IsService(Diagnostic diagnostic, ClusterOrigin origin) =>
        diagnostic.Subject.Kind == "Service"
        && string.Equals(diagnostic.Subject.Namespace, origin.Namespace, StringComparison.Ordinal)
        && string.Equals(diagnostic.Subject.Name, origin.Service, StringComparison.Ordinal);

    private static V1ServicePort? FindPort(ResourceState state, ClusterOrigin origin)
    {
        if (!state.Services.TryGetValue(new ObjectKey(origin.Namespace, origin.Service), out var service)
            || !int.TryParse(origin.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        return service.Spec?.Ports?.FirstOrDefault(p => p.Port == number);
    }

    private static DiagnosticReport ToReport(Diagnostic diagnostic) =>
        new(diagnostic.Severity, diagnostic.Subject.ToString(), diagnostic.Reason, diagnostic.Message);
}
