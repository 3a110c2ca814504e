using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Plexus.Proxy.Model;
using Plexus.Proxy.Telemetry;
using Plexus.Proxy.Tests.Forwarding;
using Plexus.Testing;
using Prometheus;

namespace Plexus.Proxy.Tests.Telemetry;

/// <summary>The proxy's request metrics against real backends, read straight from the collectors.</summary>
public sealed class ProxyRequestMetricsTests : IAsyncLifetime
{
    private static readonly ClusterOrigin GrpcOrigin = new("apps", "grpc", "50051");
    private static readonly RouteOrigin ShopIngress = new("apps", "shop");
    private ProxyHost _proxy = null!;
    private TestBackend _h2c = null!;

    public async Task InitializeAsync()
    {
        _proxy = await ProxyHost.StartAsync();
        _h2c = await TestBackend.StartAsync(TestBackendKind.H2c);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _h2c.DisposeAsync();
    }

    private ProxyRequestMetrics Metrics => _proxy.Services.GetRequiredService<ProxyRequestMetrics>();

    [Fact]
    public async Task An_h2c_cluster_counts_requests_upstream_time_streams_and_http2_connections()
    {
        await _proxy.ApplyAsync(
            [TestSnapshots.Route("grpc", "c1") with { Origin = ShopIngress }],
            [TestSnapshots.Cluster("c1", BackendProtocol.H2c, _h2c) with { Origin = GrpcOrigin }]);
        var client = _proxy.CreateClient(ClientKind.H2c);
        var gate = Guid.NewGuid().ToString("N");

        // One request held at the backend: one active stream.
        var held = client.GetAsync(new Uri($"/slow/{gate}", UriKind.Relative));
        await Eventually.UntilAsync(() => _h2c.Gates.StartedCount(gate) == 1, because: "the request reached the backend");
        Assert.Equal(1, InFlight().Value);
        _h2c.Gates.Release(gate);
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/a", UriKind.Relative))).StatusCode);

        var requests = Metrics.Requests.WithLabels("apps", "shop", "grpc", "50051", "h2c", "GET", "2xx");
        await Eventually.UntilAsync(() => requests.Value == 2, because: "both requests counted");
        Assert.Equal(2, Metrics.UpstreamDuration.WithLabels("apps", "shop", "grpc", "50051", "h2c").Count);
        Assert.Equal(2, Metrics.RequestDuration.WithLabels("apps", "shop", "grpc", "50051", "h2c", "GET", "2xx").Count);
        Assert.Equal(0, InFlight().Value);

        var port = _h2c.Port.ToString(CultureInfo.InvariantCulture);
        var http2Connections = await OpenConnectionsAsync(port, "2");
        Assert.True(http2Connections >= 1, $"HTTP/2 connections to the backend: {http2Connections}");
    }

    [Fact]
    public async Task A_cluster_without_endpoints_counts_a_no_endpoints_failure_and_unmatched_requests_have_empty_labels()
    {
        await _proxy.ApplyAsync(
            [TestSnapshots.Route("empty", "c2", host: "empty.test") with { Origin = ShopIngress }],
            [new ProxyCluster("c2", BackendProtocol.Http, []) { Origin = new ClusterOrigin("apps", "gone", "80") }]);
        var client = _proxy.CreateClient(ClientKind.Http1);

        using var empty = ProxyHost.NewRequest(ClientKind.Http1, HttpMethod.Get, "/");
        empty.Headers.Host = "empty.test";
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.SendAsync(empty)).StatusCode);
        using var unmatched = ProxyHost.NewRequest(ClientKind.Http1, HttpMethod.Delete, "/");
        unmatched.Headers.Host = "nobody.test";
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(unmatched)).StatusCode);

        var failures = Metrics.UpstreamFailures.WithLabels("apps", "gone", "80", "http", "no-endpoints");
        var unrouted = Metrics.Requests.WithLabels("", "", "", "", "", "DELETE", "4xx");
        await Eventually.UntilAsync(() => failures.Value == 1 && unrouted.Value == 1, because: "the failure and the unmatched request are counted");
        Assert.Equal(1, Metrics.Requests.WithLabels("apps", "shop", "gone", "80", "http", "GET", "5xx").Value);
        // Nothing was sent to a backend.
        Assert.Equal(0, Metrics.UpstreamDuration.WithLabels("apps", "shop", "gone", "80", "http").Count);
    }

    private Gauge.Child InFlight() => Metrics.UpstreamInFlight.WithLabels("apps", "grpc", "50051", "h2c");

    private async Task<double> OpenConnectionsAsync(string port, string version)
    {
        using var stream = new MemoryStream();
        await _proxy.Services.GetRequiredService<CollectorRegistry>().CollectAndExportAsTextAsync(stream);
        var total = 0.0;
        foreach (var line in System.Text.Encoding.UTF8.GetString(stream.ToArray()).Split('\n'))
        {
            if (line.StartsWith("plexus_upstream_open_connections{", StringComparison.Ordinal)
                && line.Contains($"server_port=\"{port}\"", StringComparison.Ordinal)
                && line.Contains($"protocol_version=\"{version}\"", StringComparison.Ordinal))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
