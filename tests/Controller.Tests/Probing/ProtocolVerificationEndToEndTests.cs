using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Hosting;
using Plexus.Controller.Runtime;
using Plexus.Testing;

namespace Plexus.Controller.Tests.Probing;

/// <summary>The whole process (manifest folder → translator → prober → proxy) against real Kestrel backends on loopback.</summary>
public sealed class ProtocolVerificationEndToEndTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexus-probe-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _client = new();
    private WebApplication? _app;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "class.yaml"), Manifests.IngressClass);
        return Task.CompletedTask;
    }

    public void Dispose() => _client.Dispose();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task H2c_declared_on_an_http1_only_backend_is_refused_at_once_and_the_fix_restores_traffic_without_waiting()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        Write("web.yaml", Manifests.Service("web", "h2c", ("web-1", backend.Port)) + Manifests.Ingress("web", "web.test", "web"));
        await StartAsync();

        var endpoint = await WaitForEndpointAsync("default/web:80", e => e.Verdict == "Mismatch");
        Assert.Equal("http", endpoint.Observed);
        Assert.StartsWith("speaks HTTP/1.1 only", endpoint.Reason, StringComparison.Ordinal);

        using (var refused = await GetAsync("web.test", "/refused"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
            Assert.Equal("protocol-mismatch", Assert.Single(refused.Headers.GetValues("X-Plexus-Error")));
            Assert.Contains("speaks HTTP/1.1 only", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(backend.Requests);
        Assert.Contains(
            """plexus_backend_protocol_verdict{namespace="default",service="web",port="80",declared="h2c",verdict="mismatch"} 1""",
            await MetricsTextAsync(),
            StringComparison.Ordinal);

        // The fix: declare what the backend speaks. Traffic flows as soon as the new snapshot is applied.
        Write("web.yaml", Manifests.Service("web", "http", ("web-1", backend.Port)) + Manifests.Ingress("web", "web.test", "web"));
        await Eventually.UntilAsync(async () =>
        {
            using var response = await GetAsync("web.test", "/fixed");
            return response.StatusCode == HttpStatusCode.OK;
        });

        Assert.All(backend.RequestsFor("/fixed"), r => Assert.Equal("HTTP/1.1", r.Protocol));
        await Eventually.UntilAsync(async () => (await MetricsTextAsync()).Contains(
            """plexus_backend_protocol_verdict{namespace="default",service="web",port="80",declared="http",verdict="verified"} 1""",
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_cluster_costs_no_connection_per_request()
    {
        // nginx-style: a raw HTTP/1.1 400 to the h2c preface. Only the probe connects.
        await using var server = MisbehavingServer.Start(Misbehavior.AnswerHttp11BadRequest);
        Write("nginx.yaml", Manifests.Service("nginx", "grpc", ("nginx-1", server.Port)) + Manifests.Ingress("nginx", "nginx.test", "nginx"));
        await StartAsync();
        await WaitForEndpointAsync("default/nginx:80", e => e.Verdict == "Mismatch");
        var connections = server.AcceptedConnections;

        for (var i = 0; i < 5; i++)
        {
            using var response = await GetAsync("nginx.test", "/");
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("protocol-mismatch", Assert.Single(response.Headers.GetValues("X-Plexus-Error")));
        }

        Assert.Equal(connections, server.AcceptedConnections);
    }

    [Fact]
    public async Task A_mixed_cluster_sends_traffic_only_to_the_endpoint_that_speaks_the_declared_protocol()
    {
        await using var h2c = await TestBackend.StartAsync(TestBackendKind.H2c);
        await using var http1 = await TestBackend.StartAsync(TestBackendKind.Http1);
        Write("grpc.yaml", Manifests.Service("grpc", "h2c", ("grpc-1", h2c.Port), ("grpc-2", http1.Port)) + Manifests.Ingress("grpc", "grpc.test", "grpc"));
        await StartAsync();

        await WaitForEndpointAsync("default/grpc:80", e => e.Address.EndsWith($":{h2c.Port}", StringComparison.Ordinal) && e.Verdict == "Verified");
        await WaitForEndpointAsync("default/grpc:80", e => e.Address.EndsWith($":{http1.Port}", StringComparison.Ordinal) && e.Verdict == "Mismatch");

        for (var i = 0; i < 8; i++)
        {
            using var response = await GetAsync("grpc.test", "/mixed");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(8, h2c.RequestsFor("/mixed").Count);
        Assert.All(h2c.RequestsFor("/mixed"), r => Assert.Equal("HTTP/2", r.Protocol));
        Assert.Empty(http1.Requests);
    }

    [Fact]
    public async Task Auto_speaks_h2c_to_an_h2c_backend_and_http1_to_an_http1_backend()
    {
        await using var h2c = await TestBackend.StartAsync(TestBackendKind.H2c);
        await using var http1 = await TestBackend.StartAsync(TestBackendKind.Http1AndHttp2Cleartext);
        Write("auto.yaml",
            Manifests.Service("fast", "auto", ("fast-1", h2c.Port)) + Manifests.Ingress("fast", "fast.test", "fast")
            + Manifests.Service("old", "auto", ("old-1", http1.Port)) + Manifests.Ingress("old", "old.test", "old"));
        await StartAsync();

        Assert.Equal("h2c", (await WaitForEndpointAsync("default/fast:80", e => e.Verdict == "Verified")).Observed);
        Assert.Equal("http", (await WaitForEndpointAsync("default/old:80", e => e.Verdict == "Verified")).Observed);

        using (var fast = await GetAsync("fast.test", "/auto"))
        {
            Assert.Equal(HttpStatusCode.OK, fast.StatusCode);
        }

        using (var old = await GetAsync("old.test", "/auto"))
        {
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        }

        Assert.Equal("HTTP/2", Assert.Single(h2c.RequestsFor("/auto")).Protocol);
        Assert.Equal("HTTP/1.1", Assert.Single(http1.RequestsFor("/auto")).Protocol);
    }

    [Fact]
    public async Task Auto_on_a_mixed_cluster_speaks_h2c_to_the_verified_endpoint_and_http1_to_the_other()
    {
        await using var h2c = await TestBackend.StartAsync(TestBackendKind.H2c);
        await using var http1 = await TestBackend.StartAsync(TestBackendKind.Http1);
        Write("mixed.yaml", Manifests.Service("mixed", "auto", ("mixed-1", h2c.Port), ("mixed-2", http1.Port)) + Manifests.Ingress("mixed", "mixed.test", "mixed"));
        await StartAsync();
        await WaitForEndpointAsync("default/mixed:80", e => e.Address.EndsWith($":{h2c.Port}", StringComparison.Ordinal) && e.Observed == "h2c");
        await WaitForEndpointAsync("default/mixed:80", e => e.Address.EndsWith($":{http1.Port}", StringComparison.Ordinal) && e.Observed == "http");

        // Requests spread over both sides; keep sending until each backend has seen some.
        await Eventually.UntilAsync(async () =>
        {
            using var response = await GetAsync("mixed.test", "/split");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return h2c.RequestsFor("/split").Count > 0 && http1.RequestsFor("/split").Count > 0;
        });

        Assert.All(h2c.RequestsFor("/split"), r => Assert.Equal("HTTP/2", r.Protocol));
        Assert.All(http1.RequestsFor("/split"), r => Assert.Equal("HTTP/1.1", r.Protocol));
    }

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_folder, name), content);

    private async Task StartAsync()
    {
        _app = PlexusApplication.Create(
            new Dictionary<string, string?>
            {
                ["Plexus:Manifests"] = _folder,
                ["Plexus:HttpPort"] = "0",
                ["Plexus:HttpsPort"] = "0",
                ["Plexus:AdminPort"] = "0",
                ["Plexus:BindAddress"] = "127.0.0.1",
                ["Plexus:Probe:ResponseTimeout"] = "00:00:10",
                ["Plexus:Probe:FirstVerdictWait"] = "00:00:10",
            },
            builder => builder.Logging.ClearProviders());
        await _app.StartAsync();
    }

    private PlexusEndpoints Endpoints => _app!.Services.GetRequiredService<PlexusEndpoints>();

    private async Task<HttpResponseMessage> GetAsync(string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Endpoints.Http.Port}{path}");
        request.Headers.Host = host;
        return await _client.SendAsync(request);
    }

    private async Task<string> MetricsTextAsync()
    {
        using var stream = new MemoryStream();
        await _app!.Services.GetRequiredService<Prometheus.CollectorRegistry>().CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private async Task<EndpointView> WaitForEndpointAsync(string clusterId, Func<EndpointView, bool> condition)
    {
        EndpointView? found = null;
        await Eventually.UntilAsync(
            async () =>
            {
                var json = await _client.GetStringAsync(new Uri($"http://127.0.0.1:{Endpoints.Admin.Port}/api/snapshot"));
                using var document = JsonDocument.Parse(json);
                foreach (var cluster in document.RootElement.GetProperty("clusters").EnumerateArray())
                {
                    if (cluster.GetProperty("id").GetString() != clusterId)
                    {
                        continue;
                    }

                    foreach (var endpoint in cluster.GetProperty("endpoints").EnumerateArray())
                    {
                        var view = new EndpointView(
                            endpoint.GetProperty("address").GetString()!,
                            endpoint.GetProperty("verdict").GetString()!,
                            endpoint.TryGetProperty("observed", out var observed) ? observed.GetString() : null,
                            endpoint.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
                        if (condition(view))
                        {
                            found = view;
                            return true;
                        }
                    }
                }

                return false;
            },
            because: $"an endpoint of {clusterId} in /api/snapshot matching the condition");
        return found!;
    }

    private sealed record EndpointView(string Address, string Verdict, string? Observed, string? Reason);
}
