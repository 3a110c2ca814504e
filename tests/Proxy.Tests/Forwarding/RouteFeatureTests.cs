using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;
using Plexus.Testing;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>The matched route and cluster are visible to middleware around the proxy (metrics, access logs).</summary>
public sealed class RouteFeatureTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, IPlexusRouteFeature?> _seen = new();
    private ProxyHost _proxy = null!;
    private TestBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync(TestBackendKind.H2c);
        _proxy = await ProxyHost.StartAsync(configureApp: app => app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            await next(context);
            _seen[context.Request.Path.Value!] = context.Features.Get<IPlexusRouteFeature>();
        }));
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Feature_names_the_route_the_cluster_and_the_wire_protocol()
    {
        var verified = new ProtocolVerdict(VerdictKind.Verified, BackendProtocol.H2c);
        var cluster = new ProxyCluster("ns/grpc:50051", BackendProtocol.Auto, [new BackendEndpoint(_backend.Host, _backend.Port, verified)]);
        await _proxy.ApplyAsync([Route("ns/ing/0", cluster.Id, path: "/api")], [cluster], defaultClusterId: cluster.Id);
        var client = _proxy.CreateClient(ClientKind.Http1);

        (await client.GetAsync("/api/x")).EnsureSuccessStatusCode();
        (await client.GetAsync("/other")).EnsureSuccessStatusCode();

        await Eventually.UntilAsync(() => _seen.ContainsKey("/other"));
        var routed = _seen["/api/x"]!;
        Assert.Equal("ns/ing/0", routed.Route!.Id);
        Assert.Equal(cluster.Id, routed.Cluster.Id);
        Assert.Equal(BackendProtocol.H2c, routed.EffectiveProtocol);
        var fallback = _seen["/other"]!;
        Assert.Null(fallback.Route);
        Assert.Equal(cluster.Id, fallback.Cluster.Id);
    }
}
