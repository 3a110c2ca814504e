using System.Collections.Immutable;
using System.Globalization;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Static protocol check before any traffic: what the readiness probes of the pods behind a cluster prove about
/// the endpoint port, against the declared protocol. An httpGet HTTP probe proves cleartext HTTP/1.1, httpGet
/// HTTPS proves TLS, a grpc probe proves cleartext HTTP/2 (kubelet's gRPC probe never uses TLS). Probes on other
/// ports, unresolved named ports, tcpSocket and exec prove nothing. An HTTPS probe on an h2/https port is
/// consistent (it proves TLS; ALPN is left to the active prober), so it gives no diagnostic: a note on every
/// healthy TLS backend would only teach operators to ignore diagnostics.
/// At most one diagnostic per cluster, aggregating all pods, in a deterministic order.
/// </summary>
public static class ReadinessProbeChecker
{
    private const int PodsNamedInMessage = 3;

    public static Diagnostic? Check(
        ProxyCluster cluster,
        ProtocolDeclaration declaration,
        string portLabel,
        IReadOnlyDictionary<ObjectKey, PodProbes> pods)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(declaration);
        ArgumentNullException.ThrowIfNull(pods);
        if (cluster.Origin is null || cluster.Endpoints.IsEmpty || pods.Count == 0)
        {
            return null;
        }

        // problem text -> pods showing it
        SortedDictionary<string, SortedSet<string>>? problems = null;
        var podsChecked = new HashSet<ObjectKey>();
        foreach (var endpoint in cluster.Endpoints)
        {
            if (!TryPodKey(endpoint.TargetRef, out var podKey) || !pods.TryGetValue(podKey, out var pod))
            {
                continue;
            }

            podsChecked.Add(podKey);
            foreach (var probe in pod.ReadinessProbes)
            {
                if (probe.Port != endpoint.Port)
                {
                    continue;
                }

                var problem = Judge(probe, declaration.Protocol, endpoint.Port);
                if (problem is null)
                {
                    continue;
                }

                problems ??= new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
                if (!problems.TryGetValue(problem, out var set))
                {
                    set = new SortedSet<string>(StringComparer.Ordinal);
                    problems.Add(problem, set);
                }

                set.Add(podKey.Name);
            }
        }

        if (problems is null)
        {
            return null;
        }

        var parts = problems.Select(p =>
        {
            var names = string.Join(", ", p.Value.Take(PodsNamedInMessage)) + (p.Value.Count > PodsNamedInMessage ? ", ..." : string.Empty);
            return $"{p.Value.Count.ToString(CultureInfo.InvariantCulture)} of {podsChecked.Count.ToString(CultureInfo.InvariantCulture)} pods ({names}): {p.Key}";
        });
        var origin = cluster.Origin;
        return new Diagnostic(
            DiagnosticSeverity.Warning,
            Subjects.Service(origin.Namespace, origin.Service),
            DiagnosticReasons.ReadinessProbeIncompatible,
            $"Port {portLabel} is declared {declaration.Protocol.ToWireName()} ({declaration.Detail}), but readiness probes disagree: {string.Join("; ", parts)}.");
    }

    /// <summary>What is wrong with <paramref name="probe"/> on a port declared <paramref name="declared"/>; null when nothing.</summary>
    public static string? Judge(ReadinessProbeInfo probe, BackendProtocol declared, int port)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var proves = probe.Kind switch
        {
            ProbeKind.HttpGet when string.Equals(probe.Scheme, "HTTPS", StringComparison.OrdinalIgnoreCase) => Proven.Tls,
            // Pod APIs that let an httpGet probe speak HTTP/2 ("HTTP/2", "h2c", ...) prove h2c, not HTTP/1.1.
            ProbeKind.HttpGet when SaysHttp2(probe.HttpProtocol) => Proven.H2c,
            ProbeKind.HttpGet => Proven.Http1,
            ProbeKind.Grpc when probe.GrpcMode?.Contains("TLS", StringComparison.OrdinalIgnoreCase) == true => Proven.Tls,
            ProbeKind.Grpc => Proven.H2c,
            _ => Proven.Nothing,
        };
        var tlsDeclared = declared.UsesTls();
        return proves switch
        {
            Proven.Http1 when declared == BackendProtocol.H2c =>
                $"httpGet HTTP probe on port {portText} proves HTTP/1.1, not h2c; many servers then cannot speak h2c; fix: a grpc probe or an HTTP/1.1 health port",
            Proven.Http1 when tlsDeclared =>
                $"httpGet HTTP probe on port {portText} proves cleartext HTTP, but {declared.ToWireName()} needs TLS; fix: declare http or h2c, or probe with scheme HTTPS",
            Proven.H2c when declared == BackendProtocol.Http =>
                $"{Name(probe)} probe on port {portText} proves cleartext HTTP/2 (h2c), usually an h2c-only port, which answers HTTP/1.1 requests with errors; fix: declare h2c (appProtocol kubernetes.io/h2c)",
            Proven.H2c when tlsDeclared =>
                $"{Name(probe)} probe on port {portText} proves cleartext HTTP/2 (kubelet's gRPC probe does not use TLS), but {declared.ToWireName()} needs TLS; fix: declare h2c",
            Proven.Tls when !tlsDeclared =>
                $"{Name(probe)} probe on port {portText} proves the port speaks TLS, but {declared.ToWireName()} is cleartext; fix: declare https or h2",
            _ => null,
        };
    }

    private static string Name(ReadinessProbeInfo probe) => probe.Kind switch
    {
        ProbeKind.Grpc => probe.GrpcMode is null ? "grpc" : $"grpc ({probe.GrpcMode})",
        _ => probe.HttpProtocol is null ? $"httpGet {probe.Scheme ?? "HTTP"}" : $"httpGet {probe.Scheme ?? "HTTP"} {probe.HttpProtocol}",
    };

    private static bool SaysHttp2(string? protocol) =>
        protocol is not null
        && (protocol.Contains('2', StringComparison.Ordinal) || protocol.Contains("h2", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses "pod/ns/name" as written by <see cref="EndpointCollector"/>.</summary>
    public static bool TryPodKey(string? targetRef, out ObjectKey key)
    {
        key = default;
        if (targetRef is null || !targetRef.StartsWith("pod/", StringComparison.Ordinal))
        {
            return false;
        }

        var slash = targetRef.IndexOf('/', 4);
        if (slash < 0)
        {
            return false;
        }

        key = new ObjectKey(targetRef[4..slash], targetRef[(slash + 1)..]);
        return true;
    }

    private enum Proven
    {
        Nothing,
        Http1,
        H2c,
        Tls,
    }
}
