using k8s.Models;
using Plexus.Controller.Store;

namespace Plexus.Controller.Tests.Store;

public class PodProjectionTests
{
    public static TheoryData<string, V1Probe, ReadinessProbeInfo> Probes => new()
    {
        { "httpGet by number", new V1Probe { HttpGet = new V1HTTPGetAction { Port = 8080 } }, new("app", ProbeKind.HttpGet, 8080, null, "HTTP") },
        { "httpGet by name", new V1Probe { HttpGet = new V1HTTPGetAction { Port = "web" } }, new("app", ProbeKind.HttpGet, 8080, null, "HTTP") },
        { "httpGet unresolved name", new V1Probe { HttpGet = new V1HTTPGetAction { Port = "admin" } }, new("app", ProbeKind.HttpGet, null, "admin", "HTTP") },
        { "httpGet https", new V1Probe { HttpGet = new V1HTTPGetAction { Port = 8443, Scheme = "https" } }, new("app", ProbeKind.HttpGet, 8443, null, "HTTPS") },
        { "grpc", new V1Probe { Grpc = new V1GRPCAction { Port = 9090 } }, new("app", ProbeKind.Grpc, 9090, null, null) },
        { "tcpSocket by name", new V1Probe { TcpSocket = new V1TCPSocketAction { Port = "grpc" } }, new("app", ProbeKind.TcpSocket, 9090, null, null) },
        { "exec", new V1Probe { Exec = new V1ExecAction { Command = ["true"] } }, new("app", ProbeKind.Exec, null, null, null) },
    };

    [Theory]
    [MemberData(nameof(Probes))]
    public void Readiness_probes_are_projected(string name, V1Probe probe, ReadinessProbeInfo expected)
    {
        var projected = PodProjection.Project(TestObjects.Pod("p", ns: "ns", readiness: probe));

        Assert.Equal(("ns", "p"), (projected.Namespace, projected.Name));
        Assert.True(expected == Assert.Single(projected.ReadinessProbes), name);
    }

    [Fact]
    public void Extra_probe_fields_are_kept()
    {
        var http = PodProjection.Project(TestObjects.Pod("p", readiness: new V1Probe { HttpGet = new V1HTTPGetAction { Port = 1, Protocol = "HTTP/2" } }));
        var grpc = PodProjection.Project(TestObjects.Pod("p", readiness: new V1Probe { Grpc = new V1GRPCAction { Port = 1, Mode = "TLS" } }));

        Assert.Equal("HTTP/2", http.ReadinessProbes[0].HttpProtocol);
        Assert.Equal("TLS", grpc.ReadinessProbes[0].GrpcMode);
    }

    [Fact]
    public void Containers_without_probes_and_plain_init_containers_contribute_nothing_but_sidecars_do()
    {
        var pod = TestObjects.Pod("p");
        pod.Spec.InitContainers =
        [
            new V1Container { Name = "init", ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 1 } } },
            new V1Container { Name = "sidecar", RestartPolicy = "Always", ReadinessProbe = new V1Probe { Grpc = new V1GRPCAction { Port = 2 } } },
        ];

        var projected = PodProjection.Project(pod);

        Assert.Equal(new ReadinessProbeInfo("sidecar", ProbeKind.Grpc, 2, null, null), Assert.Single(projected.ReadinessProbes));
    }

    [Fact]
    public void Equal_projections_compare_by_content()
    {
        V1Probe Probe() => new() { HttpGet = new V1HTTPGetAction { Port = "web" } };
        var a = PodProjection.Project(TestObjects.Pod("p", readiness: Probe()));
        var b = PodProjection.Project(TestObjects.Pod("p", rv: "9", readiness: Probe()));
        var c = PodProjection.Project(TestObjects.Pod("p", readiness: new V1Probe { HttpGet = new V1HTTPGetAction { Port = 8081 } }));

        Assert.True(PodProjection.AreSame(a, b));
        Assert.False(PodProjection.AreSame(a, c));
    }
}
