using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Hosting;
using Plexus.Testing;

namespace Plexus.Controller.Tests.Telemetry;

/// <summary>
/// A whole Plexus process (PlexusApplication, ports 0) reading a manifest folder with one Ingress "store/shop":
/// web.test → Service "web" (a live HTTP/1.1 backend), down.test → Service "down" (a port nobody listens on).
/// </summary>
internal sealed class PlexusAppHarness : IAsyncDisposable
{
    private readonly string _folder;
    private readonly HttpClient _traffic;
    private readonly HttpClient _admin;

    private PlexusAppHarness(WebApplication app, TestBackend backend, string folder)
    {
        App = app;
        Backend = backend;
        _folder = folder;
        var endpoints = app.Services.GetRequiredService<PlexusEndpoints>();
        _traffic = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{endpoints.Http.Port}/") };
        _admin = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{endpoints.Admin.Port}/") };
    }

    public WebApplication App { get; }

    public TestBackend Backend { get; }

    /// <summary>The plain traffic port.</summary>
    public int ProxyPort => App.Services.GetRequiredService<PlexusEndpoints>().Http.Port;

    public static async Task<PlexusAppHarness> StartAsync(IReadOnlyDictionary<string, string?>? extraSettings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        var folder = Path.Combine(Path.GetTempPath(), "plexus-telemetry-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "shop.yaml"), Manifests(backend.Port, ClosedPort()));
        var settings = new Dictionary<string, string?>
        {
            ["Plexus:Manifests"] = folder,
            ["Plexus:HttpPort"] = "0",
            ["Plexus:HttpsPort"] = "0",
            ["Plexus:AdminPort"] = "0",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = PlexusApplication.Create(settings, builder =>
        {
            builder.Logging.ClearProviders();
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var harness = new PlexusAppHarness(app, backend, folder);
        await Eventually.UntilAsync(
            async () => (await harness._admin.GetAsync(new Uri("readyz", UriKind.Relative))).IsSuccessStatusCode,
            because: "the first snapshot is applied");
        return harness;
    }

    /// <summary>Sends a request to the traffic port with the given Host header.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string host, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host;
        var response = await _traffic.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public async Task<string> ScrapeTextAsync()
    {
        using var response = await _admin.GetAsync(new Uri("metrics", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<PrometheusText> ScrapeAsync() => PrometheusText.Parse(await ScrapeTextAsync());

    /// <summary>Scrapes until the sample has the expected value (metrics are recorded just after the response ends).</summary>
    public async Task<PrometheusText> ScrapeUntilAsync(string name, double expected, params (string Key, string Value)[] labels)
    {
        PrometheusText? last = null;
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    last = await ScrapeAsync();
                    return last.Value(name, labels) == expected;
                },
                because: $"{name} reaches {expected}");
        }
        catch (TimeoutException exception)
        {
            var seen = last is null ? "nothing" : string.Join("\n", last.Named(name).Select(s => $"{string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))} {s.Value}"));
            throw new TimeoutException($"{exception.Message}; seen:\n{seen}", exception);
        }

        return last!;
    }

    public async ValueTask DisposeAsync()
    {
        _traffic.Dispose();
        _admin.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Backend.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A loopback port that was free a moment ago: connecting to it is refused.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Manifests(int webPort, int downPort) => string.Format(
        CultureInfo.InvariantCulture,
        """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {{name: plexus}}
        spec: {{controller: plexus.dev/ingress-controller}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: web, namespace: store}}
        spec: {{ports: [{{name: http, port: 80, targetPort: {0}}}]}}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {{name: web-1, namespace: store, labels: {{kubernetes.io/service-name: web}}}}
        addressType: IPv4
        ports: [{{name: http, port: {0}, protocol: TCP}}]
        endpoints: [{{addresses: ["127.0.0.1"], conditions: {{ready: true}}}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {{name: down, namespace: store}}
        spec: {{ports: [{{name: http, port: 80, targetPort: {1}}}]}}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {{name: down-1, namespace: store, labels: {{kubernetes.io/service-name: down}}}}
        addressType: IPv4
        ports: [{{name: http, port: {1}, protocol: TCP}}]
        endpoints: [{{addresses: ["127.0.0.1"], conditions: {{ready: true}}}}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {{name: shop, namespace: store}}
        spec:
          ingressClassName: plexus
          rules:
          - host: web.test
            http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{number: 80}}}}}}}}]}}
          - host: down.test
            http: {{paths: [{{path: /, pathType: Prefix, backend: {{service: {{name: down, port: {{number: 80}}}}}}}}]}}
        """,
        webPort,
        downPort);
}
