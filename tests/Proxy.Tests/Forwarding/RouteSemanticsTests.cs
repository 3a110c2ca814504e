using System.Net;
using Plexus.Proxy.Model;
using Plexus.Testing;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>Routing, default backend, generated errors, forwarded headers and snapshot swaps, through the real proxy.</summary>
public sealed class RouteSemanticsTests(ForwardingFixture fixture) : IClassFixture<ForwardingFixture>
{
    private ProxyHost Proxy => fixture.Proxy;

    [Fact]
    public async Task No_matching_route_is_404_no_route()
    {
        await Proxy.ApplyAsync([Route("r", "c", host: "app.test")], [Cluster("c", BackendProtocol.Http, fixture[TestBackendKind.Http1])]);

        using var response = await Proxy.CreateClient(ClientKind.Http1).GetAsync("/anything");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("no-route", response.Headers.GetValues("X-Plexus-Error").Single());
    }

    [Fact]
    public async Task Unmatched_request_goes_to_the_default_backend()
    {
        var backend = fixture[TestBackendKind.H2c];
        await Proxy.ApplyAsync(
            [Route("r", "c", host: "app.test")],
            [Cluster("c", BackendProtocol.Http, fixture[TestBackendKind.Http1]), Cluster("default", BackendProtocol.H2c, backend)],
            defaultClusterId: "default");
        var path = $"/default/{Guid.NewGuid():N}";

        using var response = await Proxy.CreateClient(ClientKind.Http1).GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/2", Assert.Single(backend.RequestsFor(path)).Protocol);
    }

    [Fact]
    public async Task Cluster_without_endpoints_is_503_no_endpoints()
    {
        await Proxy.ApplyAsync(CatchAll("empty"), [Cluster("empty", BackendProtocol.Http)]);

        using var response = await Proxy.CreateClient(ClientKind.H2c).GetAsync("/x");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("no-endpoints", response.Headers.GetValues("X-Plexus-Error").Single());
        Assert.Contains("empty", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exact_host_beats_wildcard_beats_any_host()
    {
        var exact = fixture[TestBackendKind.Http1];
        var wildcard = fixture[TestBackendKind.H2c];
        var any = fixture[TestBackendKind.TlsHttp1AndHttp2];
        await Proxy.ApplyAsync(
            [Route("exact", "exact", host: "app.test"), Route("wild", "wild", host: "*.test"), Route("any", "any")],
            [Cluster("exact", BackendProtocol.Http, exact), Cluster("wild", BackendProtocol.H2c, wildcard), Cluster("any", BackendProtocol.Https, any)]);
        var client = Proxy.CreateClient(ClientKind.Http1);

        foreach (var (host, backend) in new[] { ("app.test", exact), ("APP.test:8080", exact), ("other.test", wildcard), ("example.org", any) })
        {
            var path = $"/hosts/{Guid.NewGuid():N}";
            using var request = ProxyHost.NewRequest(ClientKind.Http1, HttpMethod.Get, path);
            request.Headers.Host = host;
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Single(backend.RequestsFor(path));
        }
    }

    [Theory]
    [InlineData(ClientKind.Http1, "http")]
    [InlineData(ClientKind.H2c, "http")]
    [InlineData(ClientKind.H2Tls, "https")]
    public async Task Host_is_forwarded_unchanged_and_x_forwarded_headers_are_set(ClientKind client, string scheme)
    {
        var backend = fixture[TestBackendKind.TlsHttp1AndHttp2];
        await Proxy.ApplyAsync([Route("r", "c", host: "app.test")], [Cluster("c", BackendProtocol.Https, backend)]);
        var path = $"/headers/{Guid.NewGuid():N}";
        using var request = ProxyHost.NewRequest(client, HttpMethod.Get, path);
        request.Headers.Host = "app.test";
        request.Headers.Add("X-Forwarded-For", "127.0.0.99");

        using var response = await Proxy.CreateClient(client).SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {string.Join(",", response.Headers)} {await response.Content.ReadAsStringAsync()} {backend.RequestsFor(path).Count}");
        var seen = Assert.Single(backend.RequestsFor(path));
        Assert.Equal("app.test", seen.Host);
        Assert.Equal("127.0.0.1", seen.XForwardedFor);
        Assert.Equal(scheme, seen.XForwardedProto);
        Assert.Equal("app.test", seen.XForwardedHost);
    }

    [Theory]
    [InlineData(ClientKind.Http1, BackendProtocol.Http, TestBackendKind.Http1)]
    [InlineData(ClientKind.H2c, BackendProtocol.H2c, TestBackendKind.H2c)]
    public async Task Trace_context_reaches_the_backend(ClientKind client, BackendProtocol protocol, TestBackendKind kind)
    {
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        var backend = fixture[kind];
        await Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", protocol, backend)]);
        var path = $"/trace/{Guid.NewGuid():N}";
        using var request = ProxyHost.NewRequest(client, HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");

        using var response = await Proxy.CreateClient(client).SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(traceId, Assert.Single(backend.RequestsFor(path)).TraceParent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_snapshot_is_rejected_whole_and_the_previous_keeps_serving()
    {
        var backend = fixture[TestBackendKind.Http1];
        await Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", BackendProtocol.Http, backend)]);
        var previous = Proxy.Applier.Current;
        var invalid = Proxy.Snapshot(
            [Route("r", "c", path: "/ok"), Route("bad", "missing", path: "/bad")],
            [Cluster("other", BackendProtocol.H2c, fixture[TestBackendKind.H2c])]);

        var result = await Proxy.Applier.ApplyAsync(invalid, CancellationToken.None);

        Assert.False(result.Applied);
        Assert.Contains(result.Errors, e => e.Contains("missing", StringComparison.Ordinal));
        Assert.Same(previous, Proxy.Applier.Current);
        var path = $"/still/{Guid.NewGuid():N}";
        using var response = await Proxy.CreateClient(ClientKind.Http1).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(backend.RequestsFor(path));
    }

    [Theory]
    [InlineData(BackendProtocol.Http, TestBackendKind.Http1)]
    [InlineData(BackendProtocol.H2c, TestBackendKind.H2c)]
    [InlineData(BackendProtocol.H2, TestBackendKind.TlsH2)]
    public async Task Backend_connections_survive_an_unrelated_snapshot_change(BackendProtocol protocol, TestBackendKind kind)
    {
        var backend = fixture[kind];
        var cluster = Cluster("kept", protocol, backend);
        await Proxy.ApplyAsync([Route("a", "kept", path: "/a")], [cluster]);
        var client = Proxy.CreateClient(ClientKind.Http1);
        var before = $"/a/{Guid.NewGuid():N}";
        (await client.GetAsync(before)).EnsureSuccessStatusCode();

        await Proxy.ApplyAsync(
            [Route("a", "kept", path: "/a"), Route("b", "new", path: "/b")],
            [cluster, Cluster("new", BackendProtocol.H2c, fixture[TestBackendKind.H2c])]);
        var after = $"/a/{Guid.NewGuid():N}";
        (await client.GetAsync(after)).EnsureSuccessStatusCode();

        Assert.Equal(Assert.Single(backend.RequestsFor(before)).ConnectionId, Assert.Single(backend.RequestsFor(after)).ConnectionId);
    }

    [Fact]
    public async Task Changing_the_protocol_of_a_cluster_takes_effect_on_the_next_request()
    {
        var backend = fixture[TestBackendKind.TlsHttp1AndHttp2];
        await Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", BackendProtocol.Https, backend)]);
        var client = Proxy.CreateClient(ClientKind.Http1);
        var first = $"/p/{Guid.NewGuid():N}";
        (await client.GetAsync(first)).EnsureSuccessStatusCode();

        await Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", BackendProtocol.H2, backend)]);
        var second = $"/p/{Guid.NewGuid():N}";
        (await client.GetAsync(second)).EnsureSuccessStatusCode();

        Assert.Equal("HTTP/2", Assert.Single(backend.RequestsFor(second)).Protocol);
        Assert.NotEqual(Assert.Single(backend.RequestsFor(first)).ConnectionId, Assert.Single(backend.RequestsFor(second)).ConnectionId);
    }

    [Fact]
    public async Task Requests_during_snapshot_swaps_all_succeed()
    {
        var h1 = fixture[TestBackendKind.Http1];
        var h2c = fixture[TestBackendKind.H2c];
        await Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", BackendProtocol.Http, h1)]);
        var client = Proxy.CreateClient(ClientKind.H2c);
        using var stop = new CancellationTokenSource();
        var statuses = new List<HttpStatusCode>();

        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var batch = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
                {
                    using var response = await client.GetAsync("/swap");
                    return response.StatusCode;
                }));
                lock (statuses)
                {
                    statuses.AddRange(batch);
                }
            }
        });

        for (var i = 0; i < 10; i++)
        {
            // Same cluster id, different protocol: a new YARP cluster each time, the old one dropped after the swap.
            var cluster = i % 2 == 0 ? Cluster("c", BackendProtocol.H2c, h2c) : Cluster("c", BackendProtocol.Http, h1);
            await Proxy.ApplyAsync(CatchAll("c"), [cluster]);
            var seen = statuses.Count;
            await Eventually.UntilAsync(() => { lock (statuses) { return statuses.Count > seen; } });
        }

        await stop.CancelAsync();
        await load;
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task Concurrent_applies_are_serialized_and_all_succeed()
    {
        var backend = fixture[TestBackendKind.Http1];
        var snapshots = Enumerable.Range(0, 8)
            .Select(i => Proxy.Snapshot([Route($"r{i}", $"c{i}", path: $"/c{i}")], [Cluster($"c{i}", BackendProtocol.Http, backend)]))
            .ToArray();

        var results = await Task.WhenAll(snapshots.Select(s => Proxy.Applier.ApplyAsync(s, CancellationToken.None).AsTask()));

        Assert.All(results, r => Assert.True(r.Applied));
        Assert.Contains(Proxy.Applier.Current, snapshots);
        var route = Proxy.Applier.Current.Routes.Single();
        using var response = await Proxy.CreateClient(ClientKind.Http1).GetAsync(route.Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
