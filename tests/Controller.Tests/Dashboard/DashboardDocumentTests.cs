using Plexus.Controller.Admin.Dashboard;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Dashboard;

/// <summary>The page matches rates to routes by these label values: they must be the ones the request metrics use.</summary>
public sealed class DashboardDocumentTests
{
    private static readonly ProxyCluster Grpc = new("shop/grpc:grpc", BackendProtocol.H2c,
        [new BackendEndpoint("10.0.0.1", 9000, new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only"), "pod/shop/grpc-1")])
    {
        Origin = new ClusterOrigin("shop", "grpc", "grpc"),
    };

    private static readonly ProxyCluster Fallback = new("edge/fallback:80", BackendProtocol.Http, [])
    {
        Origin = new ClusterOrigin("edge", "fallback", "80"),
    };

    [Fact]
    public void Routes_carry_the_label_values_of_their_request_series_and_backends_their_verdicts()
    {
        var snapshot = new ProxySnapshot(
            7,
            [new ProxyRoute("r1", "api.test", "/v1", PathMatchKind.Prefix, Grpc.Id) { Origin = new RouteOrigin("shop", "api") }],
            [Grpc, Fallback],
            [],
            [new Diagnostic(DiagnosticSeverity.Warning, new ObjectRef("Service", "shop", "grpc"), "BackendProtocolMismatch", "m")])
        {
            DefaultClusterId = Fallback.Id,
        };

        var document = DashboardDocument.From(snapshot);

        Assert.Equal(7, document.Version);
        var route = document.Routes[0];
        Assert.Equal(("api.test", "/v1", "Prefix", "shop/grpc:grpc", "grpc", "grpc", "h2c"), (route.Host, route.Path, route.PathType, route.Cluster, route.Service, route.Port, route.Protocol));
        Assert.Equal(new MetricSeries("shop", "api", "grpc", "grpc"), route.Series);
        Assert.False(route.IsDefaultBackend);

        // Requests that fall to the default backend are counted without a route: no ingress label.
        var fallback = document.Routes[1];
        Assert.True(fallback.IsDefaultBackend);
        Assert.Equal(new MetricSeries("edge", string.Empty, "fallback", "80"), fallback.Series);

        var endpoint = Assert.Single(document.Backends[0].Endpoints);
        Assert.Equal(("10.0.0.1:9000", "Mismatch", "http", "speaks HTTP/1.1 only", "pod/shop/grpc-1"), (endpoint.Address, endpoint.Verdict, endpoint.Observed, endpoint.Reason, endpoint.TargetRef));
        Assert.Equal("h2c", document.Backends[0].Protocol);
        Assert.Equal("Service/shop/grpc", Assert.Single(document.Diagnostics).Subject);
    }

    [Fact]
    public void A_route_to_a_missing_cluster_still_appears_with_empty_series_labels()
    {
        var snapshot = ProxySnapshot.Empty with { Routes = [new ProxyRoute("r", null, "/", PathMatchKind.Exact, "gone/x:80")] };

        var route = Assert.Single(DashboardDocument.From(snapshot).Routes);

        Assert.Null(route.Host);
        Assert.Equal(new MetricSeries(string.Empty, string.Empty, string.Empty, string.Empty), route.Series);
    }
}
