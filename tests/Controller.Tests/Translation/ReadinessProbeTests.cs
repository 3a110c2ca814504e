using Plexus.Controller.Store;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Translation;

public class ReadinessProbeTests
{
    private static ProxySnapshot Build(string declared, params ReadinessProbeInfo[][] podProbes)
    {
        var state = new StateBuilder()
            .Add(K8s.Service("ns", "svc").Port(80, "web").Annotation(ProtocolAnnotations.Plexus, declared))
            .Add(K8s.Ingress("ns", "ing").Rule("app.test").Path("/", "Prefix", "svc", 80));
        var slice = K8s.Slice("ns", "svc-a", "svc").Port(8080, "web");
        for (var i = 0; i < podProbes.Length; i++)
        {
            slice.Endpoint($"127.0.0.{i + 1}", pod: $"pod-{i}");
            state.Add(K8s.Pod("ns", $"pod-{i}", podProbes[i]));
        }

        return Run.Build(state.Add(slice));
    }

    public static TheoryData<string, ReadinessProbeInfo, string?> Cases => new()
    {
        // declared, probe on the endpoint port, expected text (null: no diagnostic)
        { "h2c", K8s.HttpProbe(8080), "proves HTTP/1.1, not h2c; many servers then cannot speak h2c; fix: a grpc probe or an HTTP/1.1 health port" },
        { "h2c", K8s.GrpcProbe(8080), null },
        { "h2c", K8s.HttpProbe(8080, "HTTPS"), "proves the port speaks TLS, but h2c is cleartext" },
        { "http", K8s.GrpcProbe(8080), "grpc probe on port 8080 proves cleartext HTTP/2 (h2c)" },
        { "http", K8s.HttpProbe(8080), null },
        { "http", new ReadinessProbeInfo("app", ProbeKind.HttpGet, 8080, null, null), null },
        { "http", K8s.HttpProbe(8080, "HTTPS"), "proves the port speaks TLS, but http is cleartext" },
        { "h2", K8s.HttpProbe(8080, "HTTPS"), null },
        { "https", K8s.HttpProbe(8080, "https"), null },
        { "h2", K8s.HttpProbe(8080), "proves cleartext HTTP, but h2 needs TLS" },
        { "h2", K8s.GrpcProbe(8080), "kubelet's gRPC probe does not use TLS" },
        { "auto", K8s.HttpProbe(8080), null },
        { "auto", K8s.GrpcProbe(8080), null },
        { "h2c", K8s.HttpProbe(9090), null },
        { "h2c", K8s.TcpProbe(8080), null },
        { "h2c", K8s.ExecProbe(), null },
        { "h2c", new ReadinessProbeInfo("app", ProbeKind.HttpGet, null, "health", "HTTP"), null },
        { "http", K8s.GrpcProbe(80), null },
        // The Pod API's probe protocol fields, when present, are honoured.
        { "h2c", K8s.HttpProbe(8080) with { HttpProtocol = "HTTP/2" }, null },
        { "http", K8s.HttpProbe(8080) with { HttpProtocol = "HTTP/2" }, "proves cleartext HTTP/2 (h2c)" },
        { "http", K8s.HttpProbe(8080) with { HttpProtocol = "HTTP/1.1" }, null },
        { "h2", K8s.GrpcProbe(8080) with { GrpcMode = "TLS" }, null },
        { "h2c", K8s.GrpcProbe(8080) with { GrpcMode = "TLS" }, "proves the port speaks TLS, but h2c is cleartext" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Judges_probes_on_the_endpoint_port_against_the_declaration(string declared, ReadinessProbeInfo probe, string? expected)
    {
        var snapshot = Build(declared, [probe]);

        var diagnostics = snapshot.Diagnostics.Where(d => d.Reason == DiagnosticReasons.ReadinessProbeIncompatible).ToArray();
        if (expected is null)
        {
            Assert.Empty(diagnostics);
        }
        else
        {
            var diagnostic = Assert.Single(diagnostics);
            Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
            Assert.Equal("Service/ns/svc", diagnostic.Subject.ToString());
            Assert.Contains(expected, diagnostic.Message, StringComparison.Ordinal);
            Assert.Contains($"declared {declared}", diagnostic.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void One_diagnostic_per_cluster_aggregates_pods_in_a_stable_order()
    {
        var snapshot = Build(
            "h2c",
            [K8s.HttpProbe(8080)],
            [K8s.GrpcProbe(8080)],
            [K8s.HttpProbe(8080)],
            [K8s.HttpProbe(8080)],
            [K8s.HttpProbe(8080, "HTTPS")],
            [K8s.HttpProbe(8080)]);

        var diagnostic = snapshot.Only(DiagnosticReasons.ReadinessProbeIncompatible);
        Assert.Contains("4 of 6 pods (pod-0, pod-2, pod-3, ...): httpGet HTTP probe", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("1 of 6 pods (pod-4): httpGet HTTPS probe", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoints_without_known_pods_give_nothing()
    {
        var state = new StateBuilder()
            .Add(K8s.Service("ns", "svc").Port(80).Annotation(ProtocolAnnotations.Plexus, "h2c"))
            .Add(K8s.Slice("ns", "svc-a", "svc").Port(8080).Endpoint("127.0.0.1", pod: "unknown").Endpoint("127.0.0.2"))
            .Add(K8s.Pod("ns", "unrelated", K8s.HttpProbe(8080)))
            .Add(K8s.Ingress("ns", "ing").Path("/", "Prefix", "svc", 80));

        Assert.Empty(Run.Build(state).Diagnostics);
    }

    [Theory]
    [InlineData("pod/ns/name", true, "ns", "name")]
    [InlineData("pod/ns/a/b", true, "ns", "a/b")]
    [InlineData("service/ns/name", false, "", "")]
    [InlineData("pod/ns", false, "", "")]
    [InlineData(null, false, "", "")]
    public void Parses_pod_target_refs(string? targetRef, bool ok, string ns, string name)
    {
        Assert.Equal(ok, ReadinessProbeChecker.TryPodKey(targetRef, out var key));
        if (ok)
        {
            Assert.Equal(new ObjectKey(ns, name), key);
        }
    }
}
