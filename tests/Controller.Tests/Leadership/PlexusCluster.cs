using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Plexus.Controller.Hosting;
using Plexus.Controller.Leadership;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Controller.Tests.Translation;
using Plexus.Proxy;
using Plexus.Testing;

namespace Plexus.Controller.Tests.Leadership;

/// <summary>
/// A fake API server holding our IngressClass, an Ingress "apps/site" (host site.test → Service web:80 → a real
/// HTTP/1.1 backend on loopback) and an Ingress "apps/foreign" of another controller; starts Plexus instances
/// against it with short Lease timings.
/// </summary>
internal sealed class PlexusCluster : IAsyncDisposable
{
    public const string Ns = "apps";
    public const string LeaseNamespace = "plexus-system";

    private readonly List<WebApplication> _apps = [];

    private PlexusCluster(FakeKubernetesApi api, TestBackend backend, Kubeconfig kubeconfig)
    {
        Api = api;
        Backend = backend;
        _kubeconfig = kubeconfig;
    }

    public FakeKubernetesApi Api { get; }

    public TestBackend Backend { get; }

    private readonly Kubeconfig _kubeconfig;

    public string Kubeconfig => _kubeconfig.Path;

    public static async Task<PlexusCluster> StartAsync()
    {
        var api = await FakeKubernetesApi.StartAsync();
        var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        var kubeconfig = new Kubeconfig(api.BaseAddress);
        api.Create(K8s.IngressClass("plexus"));
        api.Create(K8s.Service(Ns, "web").Port(80, "http", targetPort: backend.Port).Build());
        api.Create(K8s.Slice(Ns, "web-1", "web").Port(backend.Port, "http").Endpoint("127.0.0.1").Build());
        api.Create(K8s.Ingress(Ns, "site").Rule("site.test").Path("/", "Prefix", "web", 80).Build());
        api.Create(K8s.Ingress(Ns, "foreign").Class("other").Rule("foreign.test").Path("/", "Prefix", "web", 80).Build());
        return new PlexusCluster(api, backend, kubeconfig);
    }

    /// <summary>Creates and starts one Plexus replica named <paramref name="identity"/>.</summary>
    public async Task<WebApplication> StartPlexusAsync(string identity, IReadOnlyDictionary<string, string?>? extra = null, Action<WebApplicationBuilder>? configure = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Plexus:Kubeconfig"] = Kubeconfig,
            ["Plexus:HttpPort"] = "0",
            ["Plexus:HttpsPort"] = "0",
            ["Plexus:AdminPort"] = "0",
            ["Plexus:BindAddress"] = "127.0.0.1",
            ["Plexus:ElectionNamespace"] = LeaseNamespace,
            ["Plexus:DrainDelay"] = "0",
            ["LeaderElection:Identity"] = identity,
            ["LeaderElection:LeaseDuration"] = "00:00:02",
            ["LeaderElection:RenewDeadline"] = "00:00:01",
            ["LeaderElection:RetryPeriod"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = PlexusApplication.Create(settings, configure);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        _apps.Add(app);
        return app;
    }

    /// <summary>Stops and disposes a replica (as SIGTERM would, then process exit).</summary>
    public async Task StopAsync(WebApplication app)
    {
        _apps.Remove(app);
        await app.StopAsync();
        await app.DisposeAsync();
    }

    public static bool IsLeader(WebApplication app) => app.Services.GetRequiredService<ILeadership>().IsLeader;

    /// <summary>Waits until the replica serves a snapshot with the site route.</summary>
    public static Task WaitForRoutesAsync(WebApplication app) =>
        Poll.UntilAsync(() => app.Services.GetRequiredService<ISnapshotApplier>().Current.Routes.Any(r => r.Host == "site.test"), "site route applied");

    public static HttpClient TrafficClient(WebApplication app)
    {
        var port = app.Services.GetRequiredService<PlexusEndpoints>().Http.Port;
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    public static async Task<string> GetSiteAsync(HttpClient client, string path = "/hello")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "site.test";
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public IReadOnlyList<V1IngressLoadBalancerIngress> StatusOf(string name) =>
        [.. Api.Get<V1Ingress>(Ns, name)?.Status?.LoadBalancer?.Ingress ?? []];

    public int StatusWrites(string name) =>
        Api.RequestsFor(FakeResources.Ingresses, "update").Count(r => r.Subresource == "status" && r.Name == name);

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await Backend.DisposeAsync();
        await Api.DisposeAsync();
        _kubeconfig.Dispose();
    }
}
