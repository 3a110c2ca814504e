using System.Globalization;
using System.Net;
using k8s.Models;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Testing;
using static Plexus.Controller.Tests.EndToEnd.KubernetesObjects;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// Kubernetes mode end to end: objects created and changed in the fake API server, through the real KubernetesClient,
/// store, translator and proxy, to real Kestrel backends. Each test changes only its own objects, and meanwhile a
/// steady stream of requests to a route nobody changes must see no failure at all.
/// </summary>
public sealed class KubernetesModeTests(KubernetesModeFixture fixture) : IClassFixture<KubernetesModeFixture>
{
    private FakeKubernetesApi Api => fixture.Api;

    private PlexusUnderTest Plexus => fixture.Plexus;

    [Fact]
    public async Task An_ingress_created_in_the_api_reaches_its_backend()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        await using var traffic = fixture.StartSteadyTraffic();

        Api.Create(Service("created"));
        Api.Create(Slice("created", "created-1", backend));
        Api.Create(Ingress("created", ("/created", "created")));

        var response = await Plexus.WaitForAsync("/created/x", r => r.IsOk, "the new Ingress is served");
        Assert.Equal("HTTP/1.1 GET /created/x", response.Body);
        Assert.Equal("HTTP/1.1", Assert.Single(backend.RequestsFor("/created/x")).Protocol);
        await traffic.StopAndAssertNoFailuresAsync();
    }

    [Fact]
    public async Task Changing_the_path_of_an_ingress_moves_its_route()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        Api.Create(Service("moving"));
        Api.Create(Slice("moving", "moving-1", backend));
        Api.Create(Ingress("moving", ("/moving-old", "moving")));
        await Plexus.WaitForAsync("/moving-old", r => r.IsOk, "the first path is served");
        await using var traffic = fixture.StartSteadyTraffic();

        Api.Update(Ingress("moving", ("/moving-new", "moving")));

        await Plexus.WaitForAsync("/moving-new", r => r.IsOk, "the new path is served");
        Assert.True((await Plexus.GetAsync("/moving-old")).IsNoRoute, "the old path is no longer routed");
        Assert.NotEmpty(backend.RequestsFor("/moving-new"));
        await traffic.StopAndAssertNoFailuresAsync();
    }

    [Fact]
    public async Task Deleting_an_ingress_removes_its_route()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        Api.Create(Service("deleted"));
        Api.Create(Slice("deleted", "deleted-1", backend));
        Api.Create(Ingress("deleted", ("/deleted", "deleted")));
        await Plexus.WaitForAsync("/deleted", r => r.IsOk, "the Ingress is served");
        await using var traffic = fixture.StartSteadyTraffic();

        Api.Delete<V1Ingress>(Namespace, "deleted");

        var response = await Plexus.WaitForAsync("/deleted", r => r.Status != HttpStatusCode.OK, "the deleted Ingress is no longer served");
        Assert.True(response.IsNoRoute, $"expected 404 no-route, got {response}");
        await traffic.StopAndAssertNoFailuresAsync();
    }

    [Fact]
    public async Task Scaling_endpoints_adds_and_removes_backends()
    {
        await using var first = await TestBackend.StartAsync(TestBackendKind.Http1);
        await using var second = await TestBackend.StartAsync(TestBackendKind.Http1);
        Api.Create(Service("scaled"));
        Api.Create(Slice("scaled", "scaled-1", first));
        Api.Create(Ingress("scaled", ("/scaled", "scaled")));
        await Plexus.WaitForAsync("/scaled", r => r.IsOk, "the Ingress is served");
        await using var traffic = fixture.StartSteadyTraffic();

        // Scale up: a second endpoint (its own slice, as its port differs on 127.0.0.1).
        Api.Create(Slice("scaled", "scaled-2", second));
        await Eventually.UntilAsync(
            async () =>
            {
                Assert.True((await Plexus.GetAsync("/scaled")).IsOk);
                return first.RequestsFor("/scaled").Count > 0 && second.RequestsFor("/scaled").Count > 0;
            },
            because: "both endpoints receive traffic");

        // Scale down: once the live snapshot lost the first endpoint, no new request may reach it.
        Api.Delete<V1EndpointSlice>(Namespace, "scaled-1");
        await Eventually.UntilAsync(() => !Plexus.EndpointPorts("scaled").Contains(first.Port), because: "the first endpoint leaves the snapshot");
        Assert.Equal(new HashSet<int> { second.Port }, Plexus.EndpointPorts("scaled"));
        var seenByFirst = first.RequestsFor("/scaled").Count;
        var seenBySecond = second.RequestsFor("/scaled").Count;
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await Plexus.GetAsync("/scaled")).IsOk);
        }

        Assert.Equal(seenByFirst, first.RequestsFor("/scaled").Count);
        Assert.Equal(seenBySecond + 20, second.RequestsFor("/scaled").Count);
        await traffic.StopAndAssertNoFailuresAsync();
    }

    [Fact]
    public async Task A_dropped_watch_resumes_and_misses_no_change_made_while_it_was_down()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        Api.Create(Service("dropped"));
        Api.Create(Slice("dropped", "dropped-1", backend));
        Api.Create(Ingress("dropped", ("/dropped-old", "dropped")));
        await Plexus.WaitForAsync("/dropped-old", r => r.IsOk, "the Ingress is served");
        await Poll.UntilAsync(() => Api.OpenWatches(FakeResources.Ingresses) == 1, "the Ingress watch is open");
        var lists = Api.CountRequests(FakeResources.Ingresses, "list");
        await using var traffic = fixture.StartSteadyTraffic();

        // Every watch drops; the Ingress watch stays down (its reconnects are refused) while the Ingress changes.
        var watches = Api.CountRequests(FakeResources.Ingresses, "watch");
        Api.Refuse(FakeResources.Ingresses, "watch", 1000);
        Api.DropWatches();
        await Poll.UntilAsync(
            () => Api.CountRequests(FakeResources.Ingresses, "watch") > watches && Api.OpenWatches(FakeResources.Ingresses) == 0,
            "a refused reconnect of the Ingress watch");
        var updated = Api.Update(Ingress("dropped", ("/dropped-new", "dropped")));
        Api.ClearRefusals();

        await Plexus.WaitForAsync("/dropped-new", r => r.IsOk, "the change made while the watch was down is served");
        Assert.True((await Plexus.GetAsync("/dropped-old")).IsNoRoute, "the old path is no longer routed");
        Assert.Equal(lists, Api.CountRequests(FakeResources.Ingresses, "list"));
        // Resumed from before the update (so the update came from the server's history), not relisted.
        var resumed = Api.RequestsFor(FakeResources.Ingresses, "watch")[^1];
        Assert.True(long.Parse(resumed.ResourceVersion!, CultureInfo.InvariantCulture) < long.Parse(updated.Metadata.ResourceVersion, CultureInfo.InvariantCulture));
        await traffic.StopAndAssertNoFailuresAsync();
    }

    [Fact]
    public async Task A_410_after_compaction_relists_and_drops_what_was_deleted_in_the_gap()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        await using var removed = await TestBackend.StartAsync(TestBackendKind.Http1);
        Api.Create(Service("compacted"));
        Api.Create(Slice("compacted", "compacted-1", backend));
        Api.Create(Slice("compacted", "compacted-2", removed));
        Api.Create(Ingress("compacted", ("/compacted-old", "compacted")));
        Api.Create(Ingress("compacted-gone", ("/compacted-gone", "compacted")));
        await Plexus.WaitForAsync("/compacted-old", r => r.IsOk, "the Ingress is served");
        await Plexus.WaitForAsync("/compacted-gone", r => r.IsOk, "the second Ingress is served");
        await Eventually.UntilAsync(() => Plexus.EndpointPorts("compacted").SetEquals([backend.Port, removed.Port]), because: "both endpoints are live");
        var ingressLists = Api.CountRequests(FakeResources.Ingresses, "list");
        var sliceLists = Api.CountRequests(FakeResources.EndpointSlices, "list");
        await using var traffic = fixture.StartSteadyTraffic();

        // The Ingress and EndpointSlice watches go down and stay down while objects change and the history is compacted:
        // their resumes then get 410 Gone, and only a relist can show what happened, deletions included.
        var ingressWatches = Api.CountRequests(FakeResources.Ingresses, "watch");
        var sliceWatches = Api.CountRequests(FakeResources.EndpointSlices, "watch");
        Api.Refuse(FakeResources.Ingresses, "watch", 1000);
        Api.Refuse(FakeResources.EndpointSlices, "watch", 1000);
        Api.DropWatches();
        await Poll.UntilAsync(
            () => Api.CountRequests(FakeResources.Ingresses, "watch") > ingressWatches && Api.OpenWatches(FakeResources.Ingresses) == 0
                && Api.CountRequests(FakeResources.EndpointSlices, "watch") > sliceWatches && Api.OpenWatches(FakeResources.EndpointSlices) == 0,
            "refused reconnects of the Ingress and EndpointSlice watches");
        Api.Update(Ingress("compacted", ("/compacted-new", "compacted")));
        Api.Delete<V1Ingress>(Namespace, "compacted-gone");
        Api.Delete<V1EndpointSlice>(Namespace, "compacted-2");
        Api.CompactHistory();
        Api.ClearRefusals();

        await Plexus.WaitForAsync("/compacted-new", r => r.IsOk, "the change made in the gap is served");
        await Plexus.WaitForAsync("/compacted-gone", r => r.IsNoRoute, "the Ingress deleted in the gap is gone");
        await Eventually.UntilAsync(() => Plexus.EndpointPorts("compacted").SetEquals([backend.Port]), because: "the endpoint deleted in the gap is gone");
        Assert.True((await Plexus.GetAsync("/compacted-old")).IsNoRoute, "the old path is no longer routed");
        Assert.True(Api.CountRequests(FakeResources.Ingresses, "list") > ingressLists, "Ingresses were relisted");
        Assert.True(Api.CountRequests(FakeResources.EndpointSlices, "list") > sliceLists, "EndpointSlices were relisted");
        await traffic.StopAndAssertNoFailuresAsync();
    }

    [Fact]
    public async Task A_410_error_event_mid_stream_relists_and_drops_what_was_deleted_before_the_relist()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        Api.Create(Service("expired"));
        Api.Create(Slice("expired", "expired-1", backend));
        Api.Create(Ingress("expired-kept", ("/expired-kept", "expired")));
        Api.Create(Ingress("expired-gone", ("/expired-gone", "expired")));
        await Plexus.WaitForAsync("/expired-kept", r => r.IsOk, "the first Ingress is served");
        await Plexus.WaitForAsync("/expired-gone", r => r.IsOk, "the second Ingress is served");
        await Poll.UntilAsync(() => Api.OpenWatches(FakeResources.Ingresses) == 1, "the Ingress watch is open");
        await using var traffic = fixture.StartSteadyTraffic();

        // The server ends the watch with ERROR 410; the relist is held off until an Ingress has been deleted and
        // another created, so neither change can arrive as a watch event.
        var lists = Api.CountRequests(FakeResources.Ingresses, "list");
        Api.Refuse(FakeResources.Ingresses, "list", 1000);
        Assert.Equal(1, Api.EndWatchesWithError(FakeResources.Ingresses, HttpStatusCode.Gone));
        await Poll.UntilAsync(() => Api.CountRequests(FakeResources.Ingresses, "list") > lists, "a refused relist");
        Api.Delete<V1Ingress>(Namespace, "expired-gone");
        Api.Create(Ingress("expired-added", ("/expired-added", "expired")));
        Api.ClearRefusals();

        await Plexus.WaitForAsync("/expired-added", r => r.IsOk, "the Ingress created before the relist is served");
        await Plexus.WaitForAsync("/expired-gone", r => r.IsNoRoute, "the Ingress deleted before the relist is gone");
        Assert.True((await Plexus.GetAsync("/expired-kept")).IsOk);
        await traffic.StopAndAssertNoFailuresAsync();
    }

    [Fact]
    public async Task A_watch_request_answered_410_relists()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        Api.Create(Service("refused"));
        Api.Create(Slice("refused", "refused-1", backend));
        Api.Create(Ingress("refused-gone", ("/refused-gone", "refused")));
        await Plexus.WaitForAsync("/refused-gone", r => r.IsOk, "the Ingress is served");
        await Poll.UntilAsync(() => Api.OpenWatches(FakeResources.Ingresses) == 1, "the Ingress watch is open");
        var lists = Api.CountRequests(FakeResources.Ingresses, "list");
        var watches = Api.CountRequests(FakeResources.Ingresses, "watch");
        await using var traffic = fixture.StartSteadyTraffic();

        // The reconnect itself is answered with HTTP 410 (not an ERROR event in a stream), and meanwhile an Ingress goes.
        Api.Refuse(FakeResources.Ingresses, "watch", 1, HttpStatusCode.Gone);
        Api.Refuse(FakeResources.Ingresses, "list", 1000);
        Api.DropWatches(FakeResources.Ingresses);
        await Poll.UntilAsync(
            () => Api.CountRequests(FakeResources.Ingresses, "watch") > watches && Api.CountRequests(FakeResources.Ingresses, "list") > lists,
            "the reconnect answered 410 and a refused relist");
        Api.Delete<V1Ingress>(Namespace, "refused-gone");
        Api.ClearRefusals();

        await Plexus.WaitForAsync("/refused-gone", r => r.IsNoRoute, "the Ingress deleted before the relist is gone");
        await traffic.StopAndAssertNoFailuresAsync();
    }
}
