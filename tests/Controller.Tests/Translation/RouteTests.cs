using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Translation;

public class RouteTests
{
    [Fact]
    public void Builds_routes_with_stable_ids_hosts_paths_and_origins()
    {
        var state = new StateBuilder().Backend("ns", "web").Backend("ns", "api")
            .Add(K8s.Ingress("ns", "ing")
                .Rule("App.Test").Path("/", "Prefix", "web", 80).Path("/api", "Exact", "api", 80)
                .Rule("*.wild.test").Path(null, "ImplementationSpecific", "web", 80)
                .Rule(null).Path("/x/", "Prefix", "api", 80));

        var snapshot = Run.Build(state);

        Assert.Equal(
            [
                new ProxyRoute("ns/ing/0/0", "app.test", "/", PathMatchKind.Prefix, "ns/web:80"),
                new ProxyRoute("ns/ing/0/1", "app.test", "/api", PathMatchKind.Exact, "ns/api:80"),
                new ProxyRoute("ns/ing/1/0", "*.wild.test", "/", PathMatchKind.ImplementationSpecific, "ns/web:80"),
                new ProxyRoute("ns/ing/2/0", null, "/x/", PathMatchKind.Prefix, "ns/api:80"),
            ],
            snapshot.Routes.Select(r => r with { Origin = null }));
        Assert.All(snapshot.Routes, r => Assert.Equal(new RouteOrigin("ns", "ing"), r.Origin));
        Assert.Equal(["ns/api:80", "ns/web:80"], snapshot.Clusters.Select(c => c.Id));
        Assert.Empty(snapshot.Diagnostics);
        Assert.Null(snapshot.DefaultClusterId);
    }

    [Fact]
    public void Rule_without_http_and_resource_backends_give_no_route()
    {
        var ingress = K8s.Ingress("ns", "ing").ResourcePath("/static").Build();
        ingress.Spec.Rules.Add(new k8s.Models.V1IngressRule { Host = "tls-only.test" });
        var snapshot = Run.Build(new StateBuilder().Add(ingress));

        Assert.Empty(snapshot.Routes);
        Assert.Equal([DiagnosticReasons.UnsupportedBackend], snapshot.Reasons());
    }

    public static TheoryData<string, int, int, string, string> Conflicts => new()
    {
        // name, age of a, age of b, expected winner, loser
        { "older namespace wins", 0, 5, "a/one", "b/two" },
        { "older namespace wins whatever the names", 5, 0, "b/two", "a/one" },
        { "same age: namespace/name tie-break", 0, 0, "a/one", "b/two" },
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void Cross_namespace_host_path_conflict_keeps_the_oldest(string name, int ageA, int ageB, string winner, string loser)
    {
        var state = new StateBuilder().Backend("a", "svc").Backend("b", "svc")
            .Add(K8s.Ingress("a", "one").Created(ageA).Rule("app.test").Path("/", "Prefix", "svc", 80))
            .Add(K8s.Ingress("b", "two").Created(ageB).Rule("APP.test").Path("/", "ImplementationSpecific", "svc", 80));

        var snapshot = Run.Build(state);

        var route = Assert.Single(snapshot.Routes);
        Assert.StartsWith(winner + "/", route.Id, StringComparison.Ordinal);
        var diagnostic = snapshot.Only(DiagnosticReasons.HostPathConflict);
        Assert.Equal($"Ingress/{loser}", diagnostic.Subject.ToString());
        Assert.Contains(winner, diagnostic.Message, StringComparison.Ordinal);
        Assert.Single(snapshot.Clusters);
        Assert.True(snapshot.Clusters[0].Id.StartsWith(winner[..1], StringComparison.Ordinal), name);
    }

    [Fact]
    public void Same_namespace_duplicate_keeps_the_oldest_and_different_path_types_coexist()
    {
        var state = new StateBuilder().Backend("ns", "svc").Backend("ns", "other")
            .Add(K8s.Ingress("ns", "new").Created(10).Rule("app.test").Path("/api/", "Prefix", "other", 80).Path("/api", "Exact", "other", 80))
            .Add(K8s.Ingress("ns", "old").Created(1).Rule("app.test").Path("/api", "Prefix", "svc", 80));

        var snapshot = Run.Build(state);

        Assert.Equal(["ns/new/0/1", "ns/old/0/0"], snapshot.Routes.Select(r => r.Id));
        Assert.Equal("Ingress/ns/new", snapshot.Only(DiagnosticReasons.HostPathConflict).Subject.ToString());
    }

    [Fact]
    public void Duplicate_within_one_ingress_keeps_the_first()
    {
        var state = new StateBuilder().Backend("ns", "svc")
            .Add(K8s.Ingress("ns", "ing").Rule("app.test").Path("/a", "Prefix", "svc", 80).Rule("app.test").Path("/a", "Prefix", "svc", 80));

        var snapshot = Run.Build(state);

        Assert.Equal("ns/ing/0/0", Assert.Single(snapshot.Routes).Id);
        Assert.Contains("earlier rule of this Ingress", snapshot.Only(DiagnosticReasons.HostPathConflict).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_path_on_different_hosts_is_no_conflict()
    {
        var state = new StateBuilder().Backend("a", "svc").Backend("b", "svc")
            .Add(K8s.Ingress("a", "one").Rule("one.test").Path("/", "Prefix", "svc", 80))
            .Add(K8s.Ingress("b", "two").Rule("two.test").Path("/", "Prefix", "svc", 80))
            .Add(K8s.Ingress("b", "any").Rule(null).Path("/", "Prefix", "svc", 80));

        var snapshot = Run.Build(state);

        Assert.Equal(3, snapshot.Routes.Length);
        Assert.Empty(snapshot.Diagnostics);
    }

    [Fact]
    public void Default_backend_of_the_oldest_ingress_wins()
    {
        var state = new StateBuilder().Backend("a", "fallback").Backend("b", "other")
            .Add(K8s.Ingress("b", "newer").Created(3).DefaultBackend("other", 80))
            .Add(K8s.Ingress("a", "older").Created(1).DefaultBackend("fallback", 80));

        var snapshot = Run.Build(state);

        Assert.Equal("a/fallback:80", snapshot.DefaultClusterId);
        Assert.Equal(["a/fallback:80"], snapshot.Clusters.Select(c => c.Id));
        var diagnostic = snapshot.Only(DiagnosticReasons.DefaultBackendConflict);
        Assert.Equal("Ingress/b/newer", diagnostic.Subject.ToString());
        Assert.Contains("a/older", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_backend_to_a_missing_service_is_an_empty_cluster()
    {
        var snapshot = Run.Build(new StateBuilder().Add(K8s.Ingress("ns", "ing").DefaultBackend("gone", "http")));

        Assert.Equal("ns/gone:http", snapshot.DefaultClusterId);
        Assert.Empty(snapshot.Cluster("ns/gone:http").Endpoints);
        Assert.Equal([DiagnosticReasons.ServiceNotFound], snapshot.Reasons());
    }
}
