using System.Text;
using Prometheus;
using Plexus.Controller.Runtime;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Probing;

public sealed class ProtocolVerdictMetricsTests
{
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();

    [Fact]
    public async Task Counts_endpoints_per_verdict_and_removes_ports_that_left()
    {
        var metrics = new ProtocolVerdictMetrics(Prometheus.Metrics.WithCustomRegistry(_registry));
        var web = new ProxyCluster("shop/web:80", BackendProtocol.H2c,
        [
            new BackendEndpoint("10.0.0.1", 8080, new ProtocolVerdict(VerdictKind.Verified, BackendProtocol.H2c)),
            new BackendEndpoint("10.0.0.2", 8080, new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only")),
            new BackendEndpoint("10.0.0.3", 8080, new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only")),
        ])
        {
            Origin = new ClusterOrigin("shop", "web", "80"),
        };

        metrics.Update(ProxySnapshot.Empty with { Clusters = [web] });
        var text = await ExportAsync();

        Assert.Contains("""plexus_backend_protocol_verdict{namespace="shop",service="web",port="80",declared="h2c",verdict="verified"} 1""", text, StringComparison.Ordinal);
        Assert.Contains("""plexus_backend_protocol_verdict{namespace="shop",service="web",port="80",declared="h2c",verdict="mismatch"} 2""", text, StringComparison.Ordinal);
        Assert.Contains("""plexus_backend_protocol_verdict{namespace="shop",service="web",port="80",declared="h2c",verdict="unproven"} 0""", text, StringComparison.Ordinal);

        metrics.Update(ProxySnapshot.Empty);

        Assert.DoesNotContain("service=\"web\"", await ExportAsync(), StringComparison.Ordinal);
    }

    private async Task<string> ExportAsync()
    {
        using var stream = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
