using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Hosting;
using Plexus.Controller.Tests.Telemetry;
using Plexus.Testing;
using Xunit.Abstractions;

namespace Plexus.Controller.Tests.Dashboard;

/// <summary>
/// The admin port's dashboard rendered by a real headless chromium against a whole Plexus process: a working route, a
/// Service declared h2c in front of an HTTP/1.1-only backend (Mismatch after the probe), and a Service whose
/// annotation carries markup (it must show as text, never as markup).
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    private const string Markup = """<img src=x onerror="document.body.dataset.pwned='yes'">""";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexus-dashboard-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false });
    private TestBackend _web = null!;
    private TestBackend _legacy = null!;
    private readonly int _closedPort = ClosedPort();
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        HeadlessChromium.EnsureInstalled();
        _web = await TestBackend.StartAsync(TestBackendKind.Http1);
        _legacy = await TestBackend.StartAsync(TestBackendKind.Http1);
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "shop.yaml"), ManifestsFor(_web.Port, _legacy.Port, _closedPort));
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

    public void Dispose() => _client.Dispose();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _web.DisposeAsync();
        await _legacy.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private PlexusEndpoints Endpoints => _app!.Services.GetRequiredService<PlexusEndpoints>();

    private Uri Admin(string path) => new($"http://127.0.0.1:{Endpoints.Admin.Port}/{path}");

    [Fact]
    public async Task The_page_shows_routes_verdicts_rates_and_diagnostics_in_a_real_browser()
    {
        var legacyAddress = $"127.0.0.1:{_legacy.Port}";
        var webAddress = $"127.0.0.1:{_web.Port}";
        await Eventually.UntilAsync(async () => await VerdictAsync("default/legacy:80", legacyAddress) == "Mismatch", because: "the prober finds the h2c declaration wrong");
        await Eventually.UntilAsync(async () => await VerdictAsync("default/web:80", webAddress) == "Verified", because: "the prober verifies HTTP/1.1");

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await SendAsync("web.test", "/shop"));
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.BadGateway, await SendAsync("legacy.test", "/api/x"));
        }

        await Eventually.UntilAsync(async () =>
        {
            var metrics = PrometheusText.Parse(await _client.GetStringAsync(Admin("metrics")));
            return Requests(metrics, "web") == 4 && Requests(metrics, "legacy") == 3;
        }, because: "the request counters are recorded");

        var dom = await HeadlessChromium.DumpDomAsync(Admin(string.Empty), virtualTimeMs: 5000);
        output.WriteLine($"rendered DOM: {dom.Length} characters");

        var status = Assert.Single(RenderedDom.Elements(dom, "p"), p => p.Attribute("id") == "status");
        Assert.False(status.HasClass("error"), status.Text);
        Assert.StartsWith("Snapshot ", status.Text, StringComparison.Ordinal);

        var routes = RenderedDom.Elements(dom, "tr").Where(r => r.HasClass("route")).ToList();
        var web = Assert.Single(routes, r => r.Attribute("data-host") == "web.test" && r.Attribute("data-path") == "/shop");
        Assert.Contains("web.test", web.Text, StringComparison.Ordinal);
        Assert.Contains("default/web:80", web.Text, StringComparison.Ordinal);
        var webRate = Assert.Single(RenderedDom.Elements(web.InnerHtml, "td"), c => c.HasClass("rate"));
        Assert.True(
            double.TryParse(webRate.Attribute("data-rate"), NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate >= 0,
            $"the rate cell holds a rate after two scrapes: '{webRate.Attribute("data-rate")}' / '{webRate.Text}'");
        Assert.EndsWith("/s", webRate.Text.Trim(), StringComparison.Ordinal);
        Assert.Equal("4", Assert.Single(RenderedDom.Elements(web.InnerHtml, "td"), c => c.HasClass("total")).Attribute("data-total"));

        // A route without any traffic yet reads 0/s once two scrapes were taken, not "unknown".
        var odd = Assert.Single(routes, r => r.Attribute("data-host") == "odd.test");
        Assert.Equal("0.000", Assert.Single(RenderedDom.Elements(odd.InnerHtml, "td"), c => c.HasClass("rate")).Attribute("data-rate"));

        var legacy = Assert.Single(routes, r => r.Attribute("data-host") == "legacy.test" && r.Attribute("data-path") == "/api");
        var legacyTotal = Assert.Single(RenderedDom.Elements(legacy.InnerHtml, "td"), c => c.HasClass("total"));
        Assert.Equal("3", legacyTotal.Attribute("data-total"));
        Assert.Equal("3", legacyTotal.Attribute("data-errors"));
        Assert.Contains("h2c", legacy.Text, StringComparison.Ordinal);

        var endpoints = RenderedDom.Elements(dom, "tr").Where(r => r.HasClass("endpoint")).ToList();
        var mismatch = Assert.Single(endpoints, e => e.Attribute("data-endpoint") == legacyAddress);
        Assert.Equal("Mismatch", mismatch.Attribute("data-verdict"));
        Assert.True(mismatch.HasClass("verdict-mismatch"), mismatch.Attribute("class"));
        Assert.Contains("badge verdict-mismatch", mismatch.InnerHtml, StringComparison.Ordinal);
        Assert.Contains("speaks HTTP/1.1 only", mismatch.Text, StringComparison.Ordinal);
        Assert.Contains(endpoints, e => e.Attribute("data-endpoint") == webAddress && e.HasClass("verdict-verified"));
        var unreachable = Assert.Single(endpoints, e => e.Attribute("data-endpoint") == $"127.0.0.1:{_closedPort}");
        Assert.Equal("Unproven", unreachable.Attribute("data-verdict"));
        Assert.True(unreachable.HasClass("verdict-unproven"), unreachable.Attribute("class"));

        var diagnostics = RenderedDom.Elements(dom, "tr").Where(r => r.HasClass("diagnostic")).ToList();
        var protocolMismatch = Assert.Single(diagnostics, d => d.Attribute("data-reason") == "BackendProtocolMismatch");
        Assert.Contains("Service/default/legacy", protocolMismatch.Text, StringComparison.Ordinal);

        // Text from users' objects is shown as text: the markup is visible, and no element was made from it.
        var invalid = Assert.Single(diagnostics, d => d.Attribute("data-reason") == "InvalidBackendProtocol");
        // The annotation reads as a list split at '=': the message quotes both halves.
        Assert.True(
            invalid.Text.Contains("\"<img src\"", StringComparison.Ordinal) && invalid.Text.Contains("onerror=\"document.body.dataset.pwned='yes'\">", StringComparison.Ordinal),
            invalid.Text);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data-pwned", dom, StringComparison.Ordinal);

        var screenshot = Path.Combine(Path.GetTempPath(), $"plexus-dashboard-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.png");
        await HeadlessChromium.ScreenshotAsync(Admin(string.Empty), screenshot, virtualTimeMs: 5000);
        output.WriteLine($"screenshot: {screenshot}");
        var png = await File.ReadAllBytesAsync(screenshot);
        Assert.True(png.Length > 20_000, $"the screenshot {screenshot} has {png.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public async Task The_page_is_self_contained_and_forbids_other_sources()
    {
        using var response = await _client.GetAsync(Admin(string.Empty));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'sha256-", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("innerHTML", html, StringComparison.Ordinal);

        // Never on the traffic port.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Endpoints.Http.Port}/");
        request.Headers.Host = "127.0.0.1";
        using var traffic = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, traffic.StatusCode);
        Assert.DoesNotContain("<title>Plexus</title>", await traffic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static double? Requests(PrometheusText metrics, string service) =>
        metrics.Samples.Where(s => s.Name == "plexus_requests_total" && s.Labels.GetValueOrDefault("service") == service).Sum(s => s.Value);

    private async Task<string?> VerdictAsync(string cluster, string address)
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync(Admin("api/snapshot")));
        return document.RootElement.GetProperty("clusters").EnumerateArray()
            .Where(c => c.GetProperty("id").GetString() == cluster)
            .SelectMany(c => c.GetProperty("endpoints").EnumerateArray())
            .Where(e => e.GetProperty("address").GetString() == address)
            .Select(e => e.GetProperty("verdict").GetString())
            .FirstOrDefault();
    }

    private async Task<HttpStatusCode> SendAsync(string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Endpoints.Http.Port}{path}");
        request.Headers.Host = host;
        using var response = await _client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A loopback port that was free a moment ago: the prober cannot reach it, so its verdict stays Unproven.</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ManifestsFor(int webPort, int legacyPort, int closedPort) => Probing.Manifests.IngressClass
        + Service("web", "http", webPort) + Ingress("web", "web.test", "/shop", "web")
        + Service("legacy", "h2c", legacyPort) + Ingress("legacy", "legacy.test", "/api", "legacy")
        + Service("down", "h2c", closedPort) + Ingress("down", "down.test", "/", "down")
        + Service("odd", Markup.Replace("'", "''", StringComparison.Ordinal), webPort) + Ingress("odd", "odd.test", "/", "odd");

    private static string Service(string name, string protocol, int port) => string.Format(
        CultureInfo.InvariantCulture,
        """
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: {0}
          namespace: default
          annotations:
            plexus.dev/backend-protocol: '{1}'
        spec:
          ports:
          - name: http
            port: 80
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {0}-1
          namespace: default
          labels:
            kubernetes.io/service-name: {0}
        addressType: IPv4
        endpoints:
        - addresses: ["127.0.0.1"]
          conditions: {{ready: true}}
        ports:
        - name: http
          port: {2}
          protocol: TCP

        """,
        name,
        protocol,
        port);

    private static string Ingress(string name, string host, string path, string service) => string.Format(
        CultureInfo.InvariantCulture,
        """
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: {0}
          namespace: default
        spec:
          ingressClassName: plexus
          rules:
          - host: {1}
            http:
              paths:
              - path: {2}
                pathType: Prefix
                backend:
                  service: {{name: {3}, port: {{number: 80}}}}

        """,
        name,
        host,
        path,
        service);
}
