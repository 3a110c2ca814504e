using System.Collections.Immutable;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Translation;

public class BackendTests
{
    private static StateBuilder OneRoute(StateBuilder state, object port, string service = "svc") =>
        state.Add(K8s.Ingress("ns", "ing").Rule("app.test").Path("/", "Prefix", service, port));

    [Theory]
    [InlineData(80)]
    [InlineData("http")]
    public void Port_by_number_or_name_resolves_to_the_canonical_cluster(object port)
    {
        var snapshot = Run.Build(OneRoute(new StateBuilder().Backend("ns", "svc", 80, "http", 8080, "127.0.0.1"), port));

        var cluster = Assert.Single(snapshot.Clusters);
        Assert.Equal("ns/svc:80", cluster.Id);
        Assert.Equal(new ClusterOrigin("ns", "svc", "80"), cluster.Origin);
        Assert.Equal([new BackendEndpoint("127.0.0.1", 8080, ProtocolVerdict.Unproven, "pod/ns/svc-pod-0")], cluster.Endpoints.ToArray());
        Assert.Equal("ns/svc:80", Assert.Single(snapshot.Routes).ClusterId);
    }

    [Fact]
    public void Same_port_by_name_and_by_number_is_one_cluster()
    {
        var state = new StateBuilder().Backend("ns", "svc", 80, "http")
            .Add(K8s.Ingress("ns", "ing").Rule("app.test").Path("/a", "Prefix", "svc", 80).Path("/b", "Prefix", "svc", "http"));

        var snapshot = Run.Build(state);

        Assert.Equal(["ns/svc:80", "ns/svc:80"], snapshot.Routes.Select(r => r.ClusterId));
        Assert.Single(snapshot.Clusters);
    }

    [Fact]
    public void Named_slice_ports_pick_the_port_of_the_service_port_name()
    {
        var state = new StateBuilder()
            .Add(K8s.Service("ns", "svc").Port(80, "http").Port(9000, "grpc"))
            .Add(K8s.Slice("ns", "svc-a", "svc").Port(8080, "http").Port(9090, "grpc").Endpoint("127.0.0.1").Endpoint("127.0.0.2"))
            .Add(K8s.Slice("ns", "svc-b", "svc").Port(8081, "http").Port(9091, "grpc").Endpoint("127.0.0.3"))
            .Add(K8s.Ingress("ns", "ing").Rule("app.test").Path("/", "Prefix", "svc", "grpc").Path("/web", "Prefix", "svc", 80));

        var snapshot = Run.Build(state);

        Assert.Equal(["127.0.0.1:9090", "127.0.0.2:9090", "127.0.0.3:9091"], snapshot.Cluster("ns/svc:9000").Endpoints.Select(e => e.Authority));
        Assert.Equal(["127.0.0.1:8080", "127.0.0.2:8080", "127.0.0.3:8081"], snapshot.Cluster("ns/svc:80").Endpoints.Select(e => e.Authority));
    }

    [Fact]
    public void Single_unnamed_port_matches_the_unnamed_slice_port()
    {
        var state = new StateBuilder()
            .Add(K8s.Service("ns", "svc").Port(80))
            .Add(K8s.Slice("ns", "svc-a", "svc").Port(8080, "").Endpoint("127.0.0.1"))
            .Add(K8s.Slice("ns", "svc-b", "svc").Port(8081).Endpoint("127.0.0.2"));

        var snapshot = Run.Build(OneRoute(state, 80));

        Assert.Equal(["127.0.0.1:8080", "127.0.0.2:8081"], snapshot.Cluster("ns/svc:80").Endpoints.Select(e => e.Authority));
    }

    public static TheoryData<string, bool?, bool?, bool?, bool> Conditions => new()
    {
        // name, ready, serving, terminating, used
        { "ready", true, true, false, true },
        { "conditions unset count as ready", null, null, null, true },
        { "ready unset, not terminating", null, true, false, true },
        { "not ready", false, false, false, false },
        { "serving but not ready", false, true, false, false },
        { "terminating while serving", false, true, true, false },
        { "terminating and (wrongly) ready", true, true, true, false },
    };

    [Theory]
    [MemberData(nameof(Conditions))]
    public void Only_ready_not_terminating_endpoints_are_used(string name, bool? ready, bool? serving, bool? terminating, bool used)
    {
        var state = new StateBuilder()
            .Add(K8s.Service("ns", "svc").Port(80))
            .Add(K8s.Slice("ns", "svc-a", "svc").Port(8080).Endpoint("127.0.0.1", ready, serving, terminating));

        var snapshot = Run.Build(OneRoute(state, 80));

        Assert.True(used == (snapshot.Clusters[0].Endpoints.Length == 1), name);
        Assert.Equal(!used, snapshot.Reasons().Contains(DiagnosticReasons.NoReadyEndpoints));
    }

    [Fact]
    public void Ipv6_is_used_fqdn_skipped_duplicates_collapsed_other_services_ignored()
    {
        var state = new StateBuilder()
            .Add(K8s.Service("ns", "svc").Port(80))
            .Add(K8s.Slice("ns", "svc-v4", "svc").Port(8080).Endpoint("127.0.0.2").Endpoint("127.0.0.1"))
            .Add(K8s.Slice("ns", "svc-v4-dup", "svc").Port(8080).Endpoint("127.0.0.1"))
            .Add(K8s.Slice("ns", "svc-v6", "svc").AddressType("IPv6").Port(8080).Endpoint("::1"))
            .Add(K8s.Slice("ns", "svc-fqdn", "svc").AddressType("FQDN").Port(8080).Endpoint("backend.test"))
            .Add(K8s.Slice("ns", "other-a", "other").Port(8080).Endpoint("127.0.0.9"))
            .Add(K8s.Slice("elsewhere", "svc-a", "svc").Port(8080).Endpoint("127.0.0.8"));

        var snapshot = Run.Build(OneRoute(state, 80));

        Assert.Equal(["127.0.0.1:8080", "127.0.0.2:8080", "[::1]:8080"], snapshot.Clusters[0].Endpoints.Select(e => e.Authority));
    }

    [Fact]
    public void Missing_service_routes_to_an_empty_cluster_and_says_so()
    {
        var state = new StateBuilder().Backend("ns", "web")
            .Add(K8s.Ingress("ns", "ing").Rule("app.test").Path("/", "Prefix", "web", 80).Path("/api", "Prefix", "gone", 80).Path("/api2", "Prefix", "gone", 80));

        var snapshot = Run.Build(state);

        // The route stays (503), so /api never falls through to the "/" route of another Service.
        Assert.Equal("ns/gone:80", snapshot.Routes.Single(r => r.Path == "/api").ClusterId);
        Assert.Empty(snapshot.Cluster("ns/gone:80").Endpoints);
        var diagnostic = snapshot.Only(DiagnosticReasons.ServiceNotFound);
        Assert.Equal("Ingress/ns/ing", diagnostic.Subject.ToString());
        Assert.Contains("\"gone\"", diagnostic.Message, StringComparison.Ordinal);
        Assert.Single(snapshot.Cluster("ns/web:80").Endpoints);
    }

    [Theory]
    [InlineData(81, "ns/svc:81")]
    [InlineData("grpc", "ns/svc:grpc")]
    public void Missing_port_routes_to_an_empty_cluster_and_says_so(object port, string clusterId)
    {
        var snapshot = Run.Build(OneRoute(new StateBuilder().Backend("ns", "svc", 80, "http"), port));

        Assert.Empty(snapshot.Cluster(clusterId).Endpoints);
        var diagnostic = snapshot.Only(DiagnosticReasons.ServicePortNotFound);
        Assert.Contains("http (80)", diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(DiagnosticReasons.NoReadyEndpoints, snapshot.Reasons());
    }

    [Fact]
    public void Service_without_ready_endpoints_keeps_its_route()
    {
        var state = new StateBuilder().Add(K8s.Service("ns", "svc").Port(80, "http"));

        var snapshot = Run.Build(OneRoute(state, 80));

        Assert.Single(snapshot.Routes);
        Assert.Empty(snapshot.Cluster("ns/svc:80").Endpoints);
        var diagnostic = snapshot.Only(DiagnosticReasons.NoReadyEndpoints);
        Assert.Equal("Service/ns/svc", diagnostic.Subject.ToString());
    }

    [Theory]
    [InlineData(true, 443, true)]
    [InlineData(false, 443, true)]
    [InlineData(true, 8443, false)]
    public void External_name_services_follow_the_option(bool allow, int port, bool servicePortListed)
    {
        var service = K8s.Service("ns", "ext").ExternalName("External.Test");
        if (servicePortListed)
        {
            service.Port(port, "https");
        }

        var snapshot = Run.Build(OneRoute(new StateBuilder().Add(service), port, "ext"), Run.Options(allowExternalName: allow));

        var cluster = snapshot.Cluster($"ns/ext:{port}");
        if (allow)
        {
            Assert.Equal([new BackendEndpoint("external.test", port, ProtocolVerdict.Unproven, "service/ns/ext")], cluster.Endpoints.ToArray());
            Assert.Empty(snapshot.Diagnostics);
        }
        else
        {
            Assert.Empty(cluster.Endpoints);
            Assert.Equal([DiagnosticReasons.ExternalNameDisabled], snapshot.Reasons());
        }
    }

    [Fact]
    public void Verdicts_and_target_refs_are_stamped_on_endpoints()
    {
        var verified = new ProtocolVerdict(VerdictKind.Verified, BackendProtocol.H2c);
        var mismatch = new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only");
        var probes = new ProbeResults(new Dictionary<ProbeKey, ProtocolVerdict>
        {
            [new ProbeKey("127.0.0.1", 8080, BackendProtocol.H2c)] = verified,
            [new ProbeKey("127.0.0.2", 8080, BackendProtocol.H2c)] = mismatch,
            [new ProbeKey("127.0.0.3", 8080, BackendProtocol.Http)] = verified,
        }.ToImmutableDictionary());
        var state = new StateBuilder()
            .Add(K8s.Service("ns", "svc").Port(80, "grpc", "kubernetes.io/h2c"))
            .Add(K8s.Slice("ns", "svc-a", "svc").Port(8080, "grpc")
                .Endpoint("127.0.0.1", pod: "p1").Endpoint("127.0.0.2", pod: "p2").Endpoint("127.0.0.3"));

        var snapshot = Run.Build(OneRoute(state, 80), probes: probes);

        var cluster = snapshot.Clusters[0];
        Assert.Equal(BackendProtocol.H2c, cluster.Protocol);
        Assert.Equal(
            [
                new BackendEndpoint("127.0.0.1", 8080, verified, "pod/ns/p1"),
                new BackendEndpoint("127.0.0.2", 8080, mismatch, "pod/ns/p2"),
                new BackendEndpoint("127.0.0.3", 8080, ProtocolVerdict.Unproven),
            ],
            cluster.Endpoints.ToArray());
    }

    [Fact]
    public void Backend_without_a_port_is_unsupported_and_gives_no_route()
    {
        var ingress = K8s.Ingress("ns", "ing").Rule("app.test").Path("/", "Prefix", "svc", 80).Build();
        ingress.Spec.Rules[0].Http.Paths[0].Backend.Service.Port = null;

        var snapshot = Run.Build(new StateBuilder().Backend("ns", "svc").Add(ingress));

        Assert.Empty(snapshot.Routes);
        Assert.Contains("without a port", snapshot.Only(DiagnosticReasons.UnsupportedBackend).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void External_name_without_ports_takes_a_protocol_list_keyed_by_the_referenced_number()
    {
        var state = new StateBuilder()
            .Add(K8s.Service("ns", "ext").ExternalName("external.test").Annotation(ProtocolAnnotations.Plexus, "443=h2"))
            .Add(K8s.Ingress("ns", "ing").Rule("app.test").Path("/", "Prefix", "ext", 443));

        var result = Run.Full(state, Run.Options(allowExternalName: true));

        Assert.Equal(BackendProtocol.H2, result.Snapshot.Cluster("ns/ext:443").Protocol);
        Assert.Empty(result.Snapshot.Diagnostics);
    }
}
