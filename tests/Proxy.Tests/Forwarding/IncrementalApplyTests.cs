using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;
using Plexus.Testing;
using Yarp.ReverseProxy;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>
/// A snapshot that keeps the applied routes and replaces some clusters is applied by replacing only their targets:
/// traffic follows the change, everything else (route table, other targets, HTTP clients and their connections) stays.
/// </summary>
public sealed class IncrementalApplyTests : IAsyncLifetime
{
    private readonly List<TestBackend> _backends = [];
    private ProxyHost _proxy = null!;

    public async Task InitializeAsync()
    {
        _proxy = await ProxyHost.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            _backends.Add(await TestBackend.StartAsync(TestBackendKind.Http1));
        }
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    private RoutingState State => _proxy.Services.GetRequiredService<RoutingStateHolder>().Current;

    [Fact]
    public async Task Endpoint_change_of_one_cluster_moves_its_traffic_and_keeps_the_rest()
    {
        var first = _proxy.Snapshot(
            [Route("ra", "a", path: "/a"), Route("rb", "b", path: "/b")],
            [Cluster("a", BackendProtocol.Http, _backends[0]), Cluster("b", BackendProtocol.Http, _backends[1])]);
        Assert.True((await _proxy.Applier.ApplyAsync(first, CancellationToken.None)).Applied);
        var client = _proxy.CreateClient(ClientKind.Http1);
        var bBefore = $"/b/{Guid.NewGuid():N}";
        (await client.GetAsync(bBefore)).EnsureSuccessStatusCode();
        var before = State;

        var second = first with { Version = first.Version + 1, Clusters = first.Clusters.SetItem(0, Cluster("a", BackendProtocol.Http, _backends[2])) };
        Assert.True((await _proxy.Applier.ApplyAsync(second, CancellationToken.None)).Applied);

        var aAfter = $"/a/{Guid.NewGuid():N}";
        var bAfter = $"/b/{Guid.NewGuid():N}";
        (await client.GetAsync(aAfter)).EnsureSuccessStatusCode();
        (await client.GetAsync(bAfter)).EnsureSuccessStatusCode();
        Assert.Single(_backends[2].RequestsFor(aAfter));
        Assert.Empty(_backends[0].RequestsFor(aAfter));
        Assert.Equal(Assert.Single(_backends[1].RequestsFor(bBefore)).ConnectionId, Assert.Single(_backends[1].RequestsFor(bAfter)).ConnectionId);

        var after = State;
        Assert.Same(second, after.Snapshot);
        Assert.Same(before.Routes, after.Routes);
        Assert.Same(before.Targets[1], after.Targets[1]);
        Assert.NotSame(before.Targets[0], after.Targets[0]);
    }

    [Fact]
    public async Task Clusters_with_equal_client_settings_share_one_http_client()
    {
        await _proxy.ApplyAsync(
            [Route("ra", "a", path: "/a"), Route("rb", "b", path: "/b"), Route("rc", "c", path: "/c")],
            [
                Cluster("a", BackendProtocol.Http, _backends[0]),
                Cluster("b", BackendProtocol.Http, _backends[1]),
                Cluster("c", BackendProtocol.H2c, _backends[2]),
            ]);

        var yarpClusters = _proxy.Services.GetRequiredService<IProxyStateLookup>().GetClusters().Select(c => c.ClusterId).ToList();

        // The sentinel of the catch-all route, one client for http and one for h2c.
        Assert.Equal(3, yarpClusters.Count);
        Assert.Contains(YarpConfigBuilder.SentinelClusterId, yarpClusters);
        Assert.Same(State.Targets[0].Client, State.Targets[1].Client);
        Assert.NotSame(State.Targets[0].Client, State.Targets[2].Client);
    }

    [Fact]
    public async Task Invalid_endpoint_change_is_rejected_and_the_previous_keeps_serving()
    {
        var first = _proxy.Snapshot(CatchAll("a"), [Cluster("a", BackendProtocol.Http, _backends[0])]);
        Assert.True((await _proxy.Applier.ApplyAsync(first, CancellationToken.None)).Applied);

        var broken = first with { Version = first.Version + 1, Clusters = [Cluster("a", BackendProtocol.Http, ("127.0.0.1", 0))] };
        var result = await _proxy.Applier.ApplyAsync(broken, CancellationToken.None);

        Assert.False(result.Applied);
        Assert.Contains(result.Errors, e => e.Contains("port 0", StringComparison.Ordinal));
        Assert.Same(first, _proxy.Applier.Current);
        var path = $"/kept/{Guid.NewGuid():N}";
        using var response = await _proxy.CreateClient(ClientKind.H2c).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_backends[0].RequestsFor(path));
    }

    [Fact]
    public async Task Endpoint_change_of_the_default_backend_moves_its_traffic()
    {
        var first = _proxy.Snapshot([Route("r", "a", host: "app.test")], [Cluster("a", BackendProtocol.Http, _backends[0]), Cluster("d", BackendProtocol.Http, _backends[1])], "d");
        Assert.True((await _proxy.Applier.ApplyAsync(first, CancellationToken.None)).Applied);

        var second = first with { Version = first.Version + 1, Clusters = first.Clusters.SetItem(1, Cluster("d", BackendProtocol.Http, _backends[2])) };
        Assert.True((await _proxy.Applier.ApplyAsync(second, CancellationToken.None)).Applied);

        var path = $"/default/{Guid.NewGuid():N}";
        using var response = await _proxy.CreateClient(ClientKind.Http1).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_backends[2].RequestsFor(path));
    }
}
