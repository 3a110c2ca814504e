using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using Plexus.Controller.Telemetry;
using Plexus.Proxy.Telemetry;
using Plexus.Testing;

namespace Plexus.Controller.Tests.Telemetry;

/// <summary>
/// A Plexus process with --metrics-per-host, --access-log (captured) and an OTLP endpoint in the environment
/// (an in-memory exporter is added beside the OTLP one).
/// </summary>
public sealed class TelemetryFeaturesEndToEndTests : IAsyncLifetime, IDisposable
{
    // Nothing listens there; the OTLP exporter only has to be configured, the spans are read in memory.
    private const string OtlpEndpoint = "http://127.0.0.1:9/";

    private readonly LineCapture _accessLog = new();
    private readonly ListExporter _spans = new();
    private PlexusAppHarness _plexus = null!;

    public async Task InitializeAsync() => _plexus = await PlexusAppHarness.StartAsync(
        new Dictionary<string, string?>
        {
            ["Plexus:MetricsPerHost"] = "true",
            ["Plexus:AccessLog"] = "true",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = OtlpEndpoint,
        },
        builder =>
        {
            builder.Services.AddSingleton(new AccessLogOutput(_accessLog));
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new SimpleActivityExportProcessor(_spans)));
        });

    public async Task DisposeAsync() => await _plexus.DisposeAsync();

    public void Dispose()
    {
        _accessLog.Dispose();
        _spans.Dispose();
    }

    [Fact]
    public async Task The_route_host_becomes_a_label_with_metrics_per_host()
    {
        Assert.Equal(HttpStatusCode.OK, (await _plexus.SendAsync(HttpMethod.Get, "web.test", "/per-host")).StatusCode);

        await _plexus.ScrapeUntilAsync("plexus_requests_total", 1,
            ("namespace", "store"), ("ingress", "shop"), ("service", "web"), ("port", "80"), ("upstream_protocol", "http"), ("host", "web.test"),
            ("method", "GET"), ("code", "2xx"));
    }

    [Fact]
    public async Task Each_request_writes_one_json_access_log_line()
    {
        Assert.Equal(HttpStatusCode.OK, (await _plexus.SendAsync(HttpMethod.Get, "web.test", "/logged")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await _plexus.SendAsync(HttpMethod.Get, "down.test", "/logged-failure")).StatusCode);

        await Eventually.UntilAsync(() => _accessLog.Lines.Count(l => l.Contains("/logged", StringComparison.Ordinal)) == 2, because: "two access log lines");
        var lines = _accessLog.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var ok = Assert.Single(lines, l => l.GetProperty("path").GetString() == "/logged");
        Assert.Equal("GET", ok.GetProperty("method").GetString());
        Assert.Equal("web.test", ok.GetProperty("host").GetString());
        Assert.Equal("HTTP/1.1", ok.GetProperty("protocol").GetString());
        Assert.Equal("http", ok.GetProperty("scheme").GetString());
        Assert.Equal(200, ok.GetProperty("status").GetInt32());
        Assert.Equal("127.0.0.1", ok.GetProperty("client").GetString());
        Assert.Equal($"http://127.0.0.1:{_plexus.Backend.Port}", ok.GetProperty("upstream_address").GetString()!.TrimEnd('/'));
        Assert.Equal("http", ok.GetProperty("upstream_protocol").GetString());
        Assert.Equal("store/web:80", ok.GetProperty("cluster").GetString());
        Assert.False(string.IsNullOrEmpty(ok.GetProperty("route").GetString()));
        Assert.True(ok.GetProperty("duration_ms").GetDouble() >= 0);
        Assert.True(ok.GetProperty("upstream_ms").GetDouble() >= 0);
        Assert.False(ok.TryGetProperty("error", out _));

        var failed = Assert.Single(lines, l => l.GetProperty("path").GetString() == "/logged-failure");
        Assert.Equal(502, failed.GetProperty("status").GetInt32());
        Assert.Equal("connect-refused", failed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_proxied_request_is_one_server_span_with_the_route_cluster_protocol_and_endpoint()
    {
        Assert.NotNull(_plexus.App.Services.GetService<TracerProvider>());
        var otlp = _plexus.App.Services.GetRequiredService<IOptionsMonitor<OtlpExporterOptions>>().CurrentValue;
        Assert.Equal(new Uri(OtlpEndpoint), otlp.Endpoint);

        Assert.Equal(HttpStatusCode.OK, (await _plexus.SendAsync(HttpMethod.Get, "web.test", "/traced")).StatusCode);

                // The backend runs in this process too: its server span is exported as well, in the same trace.
        // Exactly two server spans for the path: Plexus' one (enriched, not duplicated) and the backend's, in one trace.
        await Eventually.UntilAsync(() => _spans.Spans.Count(IsTracedServerSpan) == 2, because: "both server spans are exported");
        Assert.Equal(2, _spans.Spans.Count(IsTracedServerSpan));
        var server = Assert.Single(_spans.Spans, s => IsTracedServerSpan(s) && s.GetTagItem(ProxySpanEnricher.Cluster) is not null);
        var backendSpan = Assert.Single(_spans.Spans, s => IsTracedServerSpan(s) && s.GetTagItem(ProxySpanEnricher.Cluster) is null);
        Assert.Equal(server.TraceId, backendSpan.TraceId);
        Assert.Equal("store/web:80", server.GetTagItem(ProxySpanEnricher.Cluster));
        Assert.Equal("GET web.test/", server.DisplayName);
        Assert.Equal("/", server.GetTagItem("http.route"));
        Assert.Equal("http", server.GetTagItem(ProxySpanEnricher.UpstreamProtocol));
        Assert.False(string.IsNullOrEmpty(server.GetTagItem(ProxySpanEnricher.Route) as string));
        Assert.Equal($"http://127.0.0.1:{_plexus.Backend.Port}", (server.GetTagItem(ProxySpanEnricher.UpstreamAddress) as string)?.TrimEnd('/'));

        // W3C trace context reaches the backend, in the server span's trace.
        var seen = Assert.Single(_plexus.Backend.RequestsFor("/traced"));
        Assert.NotNull(seen.TraceParent);
        Assert.Contains(server.TraceId.ToHexString(), seen.TraceParent, StringComparison.Ordinal);
    }

    private static bool IsTracedServerSpan(Activity span) =>
        span.Kind == ActivityKind.Server && span.GetTagItem("url.path") as string == "/traced";
}
