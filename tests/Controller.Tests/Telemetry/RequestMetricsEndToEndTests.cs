using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Telemetry;

namespace Plexus.Controller.Tests.Telemetry;

/// <summary>A Plexus process with default flags: known traffic, then exact values on the admin port's /metrics.</summary>
public sealed class RequestMetricsEndToEndTests : IAsyncLifetime
{
    private PlexusAppHarness _plexus = null!;

    public async Task InitializeAsync() => _plexus = await PlexusAppHarness.StartAsync();

    public async Task DisposeAsync() => await _plexus.DisposeAsync();

    private static (string, string)[] Web(string method, string code) =>
        [("namespace", "store"), ("ingress", "shop"), ("service", "web"), ("port", "80"), ("upstream_protocol", "http"), ("method", method), ("code", code)];

    [Fact]
    public async Task Known_traffic_gives_exact_request_upstream_and_failure_series()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _plexus.SendAsync(HttpMethod.Get, "web.test", "/a")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await _plexus.SendAsync(HttpMethod.Post, "web.test", "/b")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _plexus.SendAsync(new HttpMethod("PURGE"), "web.test", "/c")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _plexus.SendAsync(HttpMethod.Get, "nobody.test", "/")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await _plexus.SendAsync(HttpMethod.Get, "down.test", "/")).StatusCode);

        // Each series is recorded just after its response ends: wait for every one before reading the rest.
        await _plexus.ScrapeUntilAsync("plexus_requests_total", 3, Web("GET", "2xx"));
        await _plexus.ScrapeUntilAsync("plexus_requests_total", 1, Web("POST", "2xx"));
        await _plexus.ScrapeUntilAsync("plexus_requests_total", 1, Web("OTHER", "2xx"));
        await _plexus.ScrapeUntilAsync("plexus_requests_total", 1,
            ("namespace", ""), ("ingress", ""), ("service", ""), ("port", ""), ("upstream_protocol", ""), ("method", "GET"), ("code", "4xx"));
        var metrics = await _plexus.ScrapeUntilAsync("plexus_requests_total", 1,
            ("namespace", "store"), ("ingress", "shop"), ("service", "down"), ("port", "80"), ("upstream_protocol", "http"), ("method", "GET"), ("code", "5xx"));

        Assert.Equal(3, metrics.Value("plexus_request_duration_seconds_count", Web("GET", "2xx")));
        Assert.Equal(5, metrics.Value("plexus_upstream_duration_seconds_count",
            ("namespace", "store"), ("ingress", "shop"), ("service", "web"), ("port", "80"), ("upstream_protocol", "http")));
        Assert.Equal(1, metrics.Value("plexus_upstream_failures_total",
            ("namespace", "store"), ("service", "down"), ("port", "80"), ("upstream_protocol", "http"), ("class", "connect-refused")));
        Assert.Equal(0, metrics.Value("plexus_upstream_active_requests",
            ("namespace", "store"), ("service", "web"), ("port", "80"), ("upstream_protocol", "http")));
        Assert.DoesNotContain(metrics.Samples, s => s.Name.StartsWith("plexus_request", StringComparison.Ordinal) && s.Labels.ContainsKey("host"));

        // The proxy's connection to the backend, from SocketsHttpHandler's own meter (its server.address is the forwarded Host).
        var backendPort = _plexus.Backend.Port.ToString(CultureInfo.InvariantCulture);
        var connections = metrics.Named("plexus_upstream_open_connections")
            .Where(s => s.Labels["server_address"] == "web.test" && s.Labels["server_port"] == backendPort && s.Labels["protocol_version"] == "1.1")
            .Sum(s => s.Value);
        Assert.True(
            connections >= 1,
            $"open connections to port {backendPort}: {connections}; series: "
            + string.Join("; ", metrics.Named("plexus_upstream_open_connections").Select(s => $"{string.Join(",", s.Labels.Select(l => l.Key + "=" + l.Value))} {s.Value}")));

        // Process figures stay (cheap: computed at scrape time).
        Assert.NotEmpty(metrics.Named("process_cpu_seconds_total"));
    }

    [Fact]
    public async Task Metrics_are_served_on_the_admin_port_only()
    {
        var text = await _plexus.ScrapeTextAsync();
        Assert.Contains("# TYPE plexus_requests_total counter", text, StringComparison.Ordinal);

        var traffic = await _plexus.SendAsync(HttpMethod.Get, "127.0.0.1", "/metrics");

        Assert.Equal(HttpStatusCode.NotFound, traffic.StatusCode);
        Assert.DoesNotContain("plexus_requests_total", await traffic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void Tracing_is_off_and_watch_metrics_observe_the_kubernetes_source_by_default()
    {
        Assert.Null(_plexus.App.Services.GetService<TracerProvider>());
        Assert.IsType<WatchMetrics>(_plexus.App.Services.GetRequiredService<IWatchObserver>());
    }
}
