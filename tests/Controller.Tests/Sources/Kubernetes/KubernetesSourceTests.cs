using System.Net;
using k8s;
using k8s.Models;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Store;
using Plexus.Controller.Tests.FakeApi;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

public sealed class KubernetesSourceTests
{
    private static readonly ObjectKey KeyA = new("default", "a");

    [Fact]
    public async Task Initial_list_replaces_each_kind_once()
    {
        await using var h = await SourceHarness.CreateAsync();
        h.Api.Create(Objects.Ingress("default", "web"));
        h.Api.Create(Objects.IngressClass("plexus"));
        h.Api.Create(Objects.Service("default", "web"));
        h.Api.Create(Objects.EndpointSlice("default", "web-abc"));
        h.Api.Create(Objects.TlsSecret("default", "web-tls"));
        h.Api.Create(Objects.Pod("default", "web-1"));

        await h.StartAndSyncAsync();

        Assert.Equal([new ObjectKey("default", "web")], h.Sink.Current(ResourceKind.Ingress)!.Keys);
        Assert.Equal([new ObjectKey("", "plexus")], h.Sink.Current(ResourceKind.IngressClass)!.Keys);
        Assert.Equal([new ObjectKey("default", "web")], h.Sink.Current(ResourceKind.Service)!.Keys);
        Assert.Equal([new ObjectKey("default", "web-abc")], h.Sink.Current(ResourceKind.EndpointSlice)!.Keys);
        Assert.Equal([new ObjectKey("default", "web-tls")], h.Sink.Current(ResourceKind.Secret)!.Keys);
        Assert.Equal([new ObjectKey("default", "web-1")], h.Sink.Current(ResourceKind.Pod)!.Keys);
        foreach (var kind in Enum.GetValues<ResourceKind>())
        {
            Assert.Equal(1, h.Sink.ReplaceAllCount(kind));
        }

        // Every watch starts where its list ended and asks for bookmarks.
        foreach (var resource in SourceHarness.SourceResources)
        {
            var list = Assert.Single(h.Api.RequestsFor(resource, "list"));
            var watch = h.Api.RequestsFor(resource, "watch")[0];
            Assert.True(watch.AllowWatchBookmarks);
            Assert.NotNull(watch.ResourceVersion);
            Assert.Equal((int)h.Options.WatchTimeout.TotalSeconds, watch.TimeoutSeconds);
            Assert.Null(list.ResourceVersion);
        }
    }

    [Fact]
    public async Task Initial_list_follows_continue_tokens()
    {
        await using var h = await SourceHarness.CreateAsync(o => o.ListPageSize = 2);
        for (var i = 0; i < 5; i++)
        {
            h.Api.Create(Objects.Service("default", $"svc-{i}"));
        }

        await h.StartAndSyncAsync();

        Assert.Equal(5, h.Sink.Current(ResourceKind.Service)!.Count);
        Assert.Equal(1, h.Sink.ReplaceAllCount(ResourceKind.Service));
        var lists = h.Api.RequestsFor(FakeResources.Services, "list");
        Assert.Equal(3, lists.Count);
        Assert.All(lists, l => Assert.Equal(2, l.Limit));
        Assert.Equal(2, lists.Count(l => l.Continue is not null));
    }

    [Fact]
    public async Task Added_modified_deleted_flow_as_upsert_and_delete()
    {
        await using var h = await SourceHarness.CreateAsync();
        await h.StartAndSyncAsync();

        var created = h.Api.Create(Objects.Service("default", "a"));
        await h.WaitForAsync(s => s.Contains(ResourceKind.Service, "default", "a"), "service a added");
        var modified = h.Api.Update(Objects.Service("default", "a", port: 8080));
        await h.WaitForAsync(s => s.Current(ResourceKind.Service)!.GetValueOrDefault(KeyA) == modified.Metadata.ResourceVersion, "service a modified");
        h.Api.Delete<V1Service>("default", "a");
        await h.WaitForAsync(s => !s.Contains(ResourceKind.Service, "default", "a"), "service a deleted");

        var calls = h.Sink.Calls.Where(c => c.Kind == ResourceKind.Service && c.Op != SinkOp.ReplaceAll).ToList();
        Assert.Equal(
            [(SinkOp.Upsert, created.Metadata.ResourceVersion), (SinkOp.Upsert, modified.Metadata.ResourceVersion), (SinkOp.Delete, null)],
            calls.Select(c => (c.Op, c.ResourceVersion)));
        Assert.All(calls, c => Assert.Equal(KeyA, c.Key));

        // Cluster-scoped kind too.
        h.Api.Create(Objects.IngressClass("plexus"));
        await h.WaitForAsync(s => s.Contains(ResourceKind.IngressClass, "", "plexus"), "ingress class added");
        h.Api.Delete<V1IngressClass>(null, "plexus");
        await h.WaitForAsync(s => !s.Contains(ResourceKind.IngressClass, "", "plexus"), "ingress class deleted");
        Assert.Equal(1, h.Sink.ReplaceAllCount(ResourceKind.Service));
    }

    [Fact]
    public async Task Bookmark_advances_the_resource_version_a_resumed_watch_starts_from()
    {
        await using var h = await SourceHarness.CreateAsync();
        await h.StartAndSyncAsync();
        var listed = h.Api.RequestsFor(FakeResources.Services, "watch")[0].ResourceVersion;

        // Other kinds move the global resourceVersion; services see only the bookmark.
        h.Api.Create(Objects.Pod("default", "p1"));
        h.Api.Create(Objects.Pod("default", "p2"));
        var bookmark = h.Api.SendBookmarks(FakeResources.Services);
        Assert.NotEqual(listed, bookmark);
        await h.PollAsync(() => h.Observer.Events.Contains((ResourceKind.Service, WatchEventType.Bookmark)), "bookmark received");

        Assert.Equal(1, h.Api.DropWatches(FakeResources.Services));
        await h.PollAsync(() => h.Api.RequestsFor(FakeResources.Services, "watch").Count >= 2, "services re-watched");

        var resumed = h.Api.RequestsFor(FakeResources.Services, "watch")[1];
        Assert.Equal(bookmark, resumed.ResourceVersion);
        Assert.Equal(1, h.Api.CountRequests(FakeResources.Services, "list"));
        Assert.Contains(h.Observer.Restarts, r => r.Kind == ResourceKind.Service && r.Reason == WatchRestartReason.WatchFailed);
    }

    [Fact]
    public async Task Dropped_watch_resumes_and_changes_made_meanwhile_arrive_exactly_once()
    {
        await using var h = await SourceHarness.CreateAsync();
        h.Api.Create(Objects.Service("default", "a"));
        h.Api.Create(Objects.Service("default", "b"));
        await h.StartAndSyncAsync();
        var b1 = h.Api.Update(Objects.Service("default", "b", port: 81));
        await h.WaitForAsync(s => s.Current(ResourceKind.Service)![new ObjectKey("default", "b")] == b1.Metadata.ResourceVersion, "b modified before the drop");

        // Keep the controller disconnected while things change: reconnects are refused until the changes are made.
        h.Api.Refuse(FakeResources.Services, "watch", 1000, HttpStatusCode.ServiceUnavailable);
        var watchesBefore = h.Api.CountRequests(FakeResources.Services, "watch");
        h.Api.DropWatches(FakeResources.Services);
        await h.PollAsync(() => h.Api.CountRequests(FakeResources.Services, "watch") > watchesBefore, "a refused reconnect");

        var b2 = h.Api.Update(Objects.Service("default", "b", port: 82));
        var c = h.Api.Create(Objects.Service("default", "c"));
        h.Api.Delete<V1Service>("default", "a");
        h.Api.ClearRefusals();

        await h.WaitForAsync(s => !s.Contains(ResourceKind.Service, "default", "a"), "a deleted after reconnect");
        await h.PollAsync(() => h.Api.OpenWatches(FakeResources.Services) == 1, "services watched again");

        var expected = h.Api.GetAll<V1Service>().ToDictionary(s => new ObjectKey(s.Metadata.NamespaceProperty, s.Metadata.Name), s => s.Metadata.ResourceVersion);
        Assert.Equal(expected, h.Sink.Current(ResourceKind.Service));
        var after = h.Sink.Calls.Where(x => x.Kind == ResourceKind.Service && x.Op != SinkOp.ReplaceAll).SkipWhile(x => x.ResourceVersion != b1.Metadata.ResourceVersion).Skip(1).ToList();
        Assert.Equal(
            [(SinkOp.Upsert, "b", b2.Metadata.ResourceVersion), (SinkOp.Upsert, "c", c.Metadata.ResourceVersion), (SinkOp.Delete, "a", null)],
            after.Select(x => (x.Op, x.Key.Name, x.ResourceVersion)));
        Assert.Equal(1, h.Sink.ReplaceAllCount(ResourceKind.Service));
        var resumed = h.Api.RequestsFor(FakeResources.Services, "watch")[^1];
        Assert.Equal(b1.Metadata.ResourceVersion, resumed.ResourceVersion);
    }

    [Fact]
    public async Task Gone_as_watch_error_event_relists_and_drops_what_was_deleted_meanwhile()
    {
        await using var h = await SourceHarness.CreateAsync();
        h.Api.Create(Objects.Service("default", "a"));
        h.Api.Create(Objects.Service("default", "b"));
        await h.StartAndSyncAsync();

        h.Api.Refuse(FakeResources.Services, "watch", 1000, HttpStatusCode.ServiceUnavailable);
        var watchesBefore = h.Api.CountRequests(FakeResources.Services, "watch");
        h.Api.DropWatches(FakeResources.Services);
        await h.PollAsync(() => h.Api.CountRequests(FakeResources.Services, "watch") > watchesBefore, "a refused reconnect");
        h.Api.Delete<V1Service>("default", "b");
        h.Api.Create(Objects.Service("default", "c"));
        h.Api.CompactHistory();
        h.Api.ClearRefusals();

        await h.WaitForAsync(s => s.ReplaceAllCount(ResourceKind.Service) == 2, "services relisted");
        Assert.Equal([new ObjectKey("default", "a"), new ObjectKey("default", "c")], h.Sink.Current(ResourceKind.Service)!.Keys.OrderBy(k => k.ToString(), StringComparer.Ordinal));
        Assert.Contains(h.Observer.Restarts, r => r.Kind == ResourceKind.Service && r.Reason == WatchRestartReason.Gone);
        Assert.Equal(2, h.Api.CountRequests(FakeResources.Services, "list"));

        // After the relist it watches on, from the new list's resourceVersion.
        await h.PollAsync(() => h.Api.OpenWatches(FakeResources.Services) == 1, "services watched again");
        h.Api.Create(Objects.Service("default", "d"));
        await h.WaitForAsync(s => s.Contains(ResourceKind.Service, "default", "d"), "d added after relist");
        Assert.Equal(1, h.Sink.ReplaceAllCount(ResourceKind.Pod));
    }

    [Fact]
    public async Task Gone_as_error_event_on_an_open_watch_relists()
    {
        await using var h = await SourceHarness.CreateAsync();
        h.Api.Create(Objects.Service("default", "a"));
        await h.StartAndSyncAsync();

        Assert.Equal(1, h.Api.EndWatchesWithError(FakeResources.Services, HttpStatusCode.Gone));

        await h.PollAsync(() => h.Sink.ReplaceAllCount(ResourceKind.Service) == 2 && h.Api.OpenWatches(FakeResources.Services) == 1, "relisted and watching");
        Assert.Equal(2, h.Api.CountRequests(FakeResources.Services, "list"));
        Assert.Contains(h.Observer.Restarts, r => r.Kind == ResourceKind.Service && r.Reason == WatchRestartReason.Gone);
    }

    [Fact]
    public async Task Other_error_event_resumes_from_the_last_resource_version_without_relisting()
    {
        await using var h = await SourceHarness.CreateAsync();
        await h.StartAndSyncAsync();
        var a = h.Api.Create(Objects.Service("default", "a"));
        await h.WaitForAsync(s => s.Contains(ResourceKind.Service, "default", "a"), "a added");

        Assert.Equal(1, h.Api.EndWatchesWithError(FakeResources.Services, HttpStatusCode.InternalServerError));

        await h.PollAsync(() => h.Api.CountRequests(FakeResources.Services, "watch") == 2 && h.Api.OpenWatches(FakeResources.Services) == 1, "watching again");
        Assert.Equal(a.Metadata.ResourceVersion, h.Api.RequestsFor(FakeResources.Services, "watch")[1].ResourceVersion);
        Assert.Equal(1, h.Api.CountRequests(FakeResources.Services, "list"));
        Assert.Contains(h.Observer.Restarts, r => r.Kind == ResourceKind.Service && r.Reason == WatchRestartReason.WatchFailed);
    }

    [Fact]
    public async Task Gone_as_http_status_relists()
    {
        await using var h = await SourceHarness.CreateAsync();
        h.Api.Create(Objects.Service("default", "a"));
        h.Api.Refuse(FakeResources.Services, "watch", 1, HttpStatusCode.Gone);

        await h.StartAndSyncAsync();
        await h.PollAsync(() => h.Sink.ReplaceAllCount(ResourceKind.Service) == 2 && h.Api.OpenWatches(FakeResources.Services) == 1, "relisted and watching");

        Assert.Equal(2, h.Api.CountRequests(FakeResources.Services, "list"));
        Assert.Contains(h.Observer.Restarts, r => r.Kind == ResourceKind.Service && r.Reason == WatchRestartReason.Gone);
        Assert.True(h.Sink.Contains(ResourceKind.Service, "default", "a"));
    }

    [Fact]
    public async Task Watch_namespace_scopes_namespaced_kinds_but_not_ingress_classes()
    {
        await using var h = await SourceHarness.CreateAsync(o => o.WatchNamespace = "team-a");
        h.Api.Create(Objects.Service("team-a", "a"));
        h.Api.Create(Objects.Service("team-b", "b"));
        h.Api.Create(Objects.Ingress("team-b", "b"));
        h.Api.Create(Objects.IngressClass("plexus"));

        await h.StartAndSyncAsync();
        h.Api.Create(Objects.Pod("team-b", "pb"));
        h.Api.Create(Objects.Pod("team-a", "pa"));
        await h.WaitForAsync(s => s.Contains(ResourceKind.Pod, "team-a", "pa"), "pod in team-a");

        Assert.Equal([new ObjectKey("team-a", "a")], h.Sink.Current(ResourceKind.Service)!.Keys);
        Assert.Empty(h.Sink.Current(ResourceKind.Ingress)!);
        Assert.Equal([new ObjectKey("team-a", "pa")], h.Sink.Current(ResourceKind.Pod)!.Keys);
        Assert.Equal([new ObjectKey("", "plexus")], h.Sink.Current(ResourceKind.IngressClass)!.Keys);
        foreach (var request in h.Api.Requests.Where(r => r.Verb is "list" or "watch"))
        {
            Assert.Equal(request.Resource == FakeResources.IngressClasses ? null : "team-a", request.Namespace);
        }
    }

    [Fact]
    public async Task Secrets_that_can_hold_a_certificate_are_requested_and_never_helm_releases_or_tokens()
    {
        await using var h = await SourceHarness.CreateAsync();
        h.Api.Create(Objects.TlsSecret("default", "tls-1"));
        h.Api.Create(Objects.OpaqueSecret("default", "opaque-1"));
        h.Api.Create(Objects.Secret("default", "release-1", "helm.sh/release.v1"));
        await h.StartAndSyncAsync();

        h.Api.Create(Objects.Secret("default", "token-2", "kubernetes.io/service-account-token"));
        h.Api.Create(Objects.OpaqueSecret("default", "opaque-2"));
        h.Api.Create(Objects.TlsSecret("default", "tls-2"));
        await h.WaitForAsync(s => s.Contains(ResourceKind.Secret, "default", "tls-2"), "tls-2 added");

        Assert.Equal(
            ["default/opaque-1", "default/opaque-2", "default/tls-1", "default/tls-2"],
            h.Sink.Current(ResourceKind.Secret)!.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(h.Sink.Calls, c => c.Op != SinkOp.ReplaceAll && (c.Key.Name.StartsWith("release", StringComparison.Ordinal) || c.Key.Name.StartsWith("token", StringComparison.Ordinal)));
        var secretRequests = h.Api.Requests.Where(r => r.Resource == FakeResources.Secrets).ToList();
        Assert.NotEmpty(secretRequests);
        Assert.All(secretRequests, r => Assert.Equal(WatchedResources.SecretFieldSelector, r.FieldSelector));
    }

    [Fact]
    public async Task Repeated_list_failures_back_off_with_growing_delays_then_succeed()
    {
        await using var h = await SourceHarness.CreateAsync();
        h.Api.Create(Objects.Service("default", "a"));
        h.Api.Refuse(FakeResources.Services, "list", 4);

        await h.StartAndSyncAsync();

        Assert.Equal(5, h.Api.CountRequests(FakeResources.Services, "list"));
        var delays = h.Observer.Delays(ResourceKind.Service, WatchRestartReason.ListFailed);
        Assert.Equal(4, delays.Count);
        Assert.Equal(delays.Order(), delays);
        Assert.True(delays[^1] > delays[0], $"delays should grow: {string.Join(", ", delays)}");
        Assert.True(h.Sink.Contains(ResourceKind.Service, "default", "a"));
    }

    [Fact]
    public async Task Repeated_watch_failures_back_off_then_resume_and_reset_after_success()
    {
        await using var h = await SourceHarness.CreateAsync();
        await h.StartAndSyncAsync();
        h.Api.Refuse(FakeResources.Services, "watch", 4, HttpStatusCode.ServiceUnavailable);
        h.Api.DropWatches(FakeResources.Services);

        await h.PollAsync(() => h.Api.OpenWatches(FakeResources.Services) == 1 && h.Api.CountRequests(FakeResources.Services, "watch") == 6, "watch re-established after refusals");
        h.Api.Create(Objects.Service("default", "a"));
        await h.WaitForAsync(s => s.Contains(ResourceKind.Service, "default", "a"), "event after recovery");

        // One failure for the drop, four refusals: five growing delays.
        var delays = h.Observer.Delays(ResourceKind.Service, WatchRestartReason.WatchFailed);
        Assert.Equal(5, delays.Count);
        Assert.Equal(delays.Order(), delays);
        Assert.True(delays[^1] > delays[0], $"delays should grow: {string.Join(", ", delays)}");
        Assert.Equal(1, h.Api.CountRequests(FakeResources.Services, "list"));

        // The event reset the backoff: the next drop waits about the initial delay again.
        h.Api.DropWatches(FakeResources.Services);
        await h.PollAsync(() => h.Observer.Delays(ResourceKind.Service, WatchRestartReason.WatchFailed).Count == 6, "restart after second drop");
        Assert.True(h.Observer.Delays(ResourceKind.Service, WatchRestartReason.WatchFailed)[5] <= h.Options.InitialBackoff);
    }

    [Fact]
    public async Task Silent_watch_is_cut_at_the_bound_and_relisted_while_healthy_quiet_watches_are_not()
    {
        // A healthy server ends every watch after timeoutSeconds (1 s), well before the silence bound (3 s).
        await using var h = await SourceHarness.CreateAsync(o => (o.WatchTimeout, o.WatchIdleTimeout) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)));
        await h.StartAndSyncAsync();

        // The Service watch reconnects to a server that keeps it open and sends nothing, while a Service is created.
        h.Api.SilenceWatches(FakeResources.Services);
        h.Api.DropWatches(FakeResources.Services);
        await h.PollAsync(() => h.Api.OpenSilentWatches(FakeResources.Services) == 1, "a silent Service watch is open");
        h.Api.Create(Objects.Service("default", "made-while-silent"));

        await h.WaitForAsync(s => s.Contains(ResourceKind.Service, "default", "made-while-silent"), "the change arrives through a relist");
        Assert.Contains(h.Observer.Restarts, r => r.Kind == ResourceKind.Service && r.Reason == WatchRestartReason.Idle);
        Assert.True(h.Sink.ReplaceAllCount(ResourceKind.Service) >= 2);

        // Abandoned silent watches really are closed, not left open beside the new one.
        await h.PollAsync(() => h.Api.OpenSilentWatches(FakeResources.Services) <= 1, "abandoned watches closed");

        // Pods were as quiet as Services for longer than the bound, but their server ended each watch in time: resumed, never cut or relisted.
        Assert.Contains(h.Observer.Restarts, r => r.Kind == ResourceKind.Pod && r.Reason == WatchRestartReason.Closed);
        Assert.DoesNotContain(h.Observer.Restarts, r => r.Kind != ResourceKind.Service && r.Reason == WatchRestartReason.Idle);
        Assert.Equal(1, h.Sink.ReplaceAllCount(ResourceKind.Pod));
        Assert.Equal(1, h.Api.CountRequests(FakeResources.Pods, "list"));
    }

    [Fact]
    public async Task Bookmarks_keep_a_quiet_watch_alive_past_the_silence_bound()
    {
        // The server would keep the watch for 5 minutes; the bound is 2 s; bookmarks come every 100 ms.
        await using var h = await SourceHarness.CreateAsync(o => o.WatchIdleTimeout = TimeSpan.FromSeconds(2), bookmarkInterval: TimeSpan.FromMilliseconds(100));
        await h.StartAndSyncAsync();

        // Thirty bookmarks take longer than the bound.
        await h.PollAsync(() => h.Observer.Events.Count(e => e is (ResourceKind.Service, WatchEventType.Bookmark)) >= 30, "thirty Service bookmarks");

        Assert.Empty(h.Observer.Restarts);
        foreach (var resource in SourceHarness.SourceResources)
        {
            Assert.Equal(1, h.Api.CountRequests(resource, "list"));
            Assert.Equal(1, h.Api.CountRequests(resource, "watch"));
        }
    }

    [Fact]
    public async Task Outage_of_refused_connections_then_503s_ends_for_every_kind_as_soon_as_the_api_answers()
    {
        // Every failure waits 5 to 10 minutes: only the probe and the shared wake-up can bring the kinds back in time.
        await using var h = await SourceHarness.CreateAsync(o => (o.InitialBackoff, o.MaxBackoff) = (TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10)));
        h.Api.Create(Objects.Service("default", "a"));
        h.Api.Create(Objects.Pod("default", "p"));
        await h.StartAndSyncAsync();
        var probesBefore = h.Api.CountRequests(FakeResources.IngressClasses, "list");

        await h.Api.RefuseConnectionsAsync();
        await h.PollAsync(() => ResourceKinds.All.All(k => h.Observer.Restarts.Any(x => x.Kind == k && x.Reason == WatchRestartReason.WatchFailed)), "every watch failed");
        var b = h.Api.Create(Objects.Service("default", "b"));
        h.Api.Delete<V1Pod>("default", "p");
        h.Api.Create(Objects.Ingress("default", "web"));

        // Back, but answering 503 to everything: the probe keeps asking, the watchers keep sleeping.
        var watchesBefore = h.Api.Requests.Count(r => r.Verb == "watch");
        h.Api.BeginOutage(HttpStatusCode.ServiceUnavailable);
        await h.Api.AcceptConnectionsAsync();
        await h.PollAsync(() => h.Api.CountRequests(FakeResources.IngressClasses, "list") >= probesBefore + 2, "probes answered 503");
        Assert.Equal(watchesBefore, h.Api.Requests.Count(r => r.Verb == "watch"));
        h.Api.EndOutage();

        await h.WaitForAsync(s => s.Contains(ResourceKind.Service, "default", "b") && !s.Contains(ResourceKind.Pod, "default", "p") && s.Contains(ResourceKind.Ingress, "default", "web"), "every change made during the outage");
        await h.PollAsync(() => SourceHarness.SourceResources.All(r => h.Api.OpenWatches(r) == 1), "every kind watched again");

        // Resumed from where each watch stopped (the changes came from the server's history), not relisted.
        foreach (var kind in ResourceKinds.All)
        {
            Assert.Equal(1, h.Sink.ReplaceAllCount(kind));
        }

        Assert.Equal(b.Metadata.ResourceVersion, h.Sink.Current(ResourceKind.Service)![new ObjectKey("default", "b")]);
        Assert.All(h.Observer.Restarts.Where(r => r.Reason == WatchRestartReason.WatchFailed), r => Assert.True(r.Delay >= TimeSpan.FromMinutes(5)));
        Assert.Contains("answers again", h.Logs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task A_failing_relist_drops_nothing_and_a_kind_failing_alone_wakes_nobody(HttpStatusCode status)
    {
        await using var h = await SourceHarness.CreateAsync();
        h.Api.Create(Objects.Service("default", "a"));
        h.Api.Create(Objects.Service("default", "b"));
        await h.StartAndSyncAsync();

        h.Api.Refuse(FakeResources.Services, "list", 4, status);
        Assert.Equal(1, h.Api.EndWatchesWithError(FakeResources.Services, HttpStatusCode.Gone));
        await h.PollAsync(() => h.Observer.Delays(ResourceKind.Service, WatchRestartReason.ListFailed).Count == 4, "four failed relists");

        // Nothing was replaced while the lists failed.
        Assert.Equal(1, h.Sink.ReplaceAllCount(ResourceKind.Service));
        Assert.Equal(2, h.Sink.Current(ResourceKind.Service)!.Count);

        await h.WaitForAsync(s => s.ReplaceAllCount(ResourceKind.Service) == 2, "relisted");
        Assert.Equal(2, h.Sink.Current(ResourceKind.Service)!.Count);

        // The API answered all along (the probe's list of IngressClasses did): this kind backed off alone, not woken early.
        var delays = h.Observer.Delays(ResourceKind.Service, WatchRestartReason.ListFailed);
        Assert.Equal(delays.Order(), delays);
        Assert.True(delays[^1] > delays[0], $"delays should grow: {string.Join(", ", delays)}");
        Assert.DoesNotContain("answers again", h.Logs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("list", WatchRestartReason.ListFailed)]
    [InlineData("watch", WatchRestartReason.WatchFailed)]
    public async Task Too_many_requests_waits_as_long_as_retry_after_asks(string verb, WatchRestartReason reason)
    {
        await using var h = await SourceHarness.CreateAsync(o => o.MaxBackoff = TimeSpan.FromSeconds(10));
        h.Api.Create(Objects.Service("default", "a"));
        h.Api.Refuse(FakeResources.Services, verb, 1, HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(1));

        await h.StartAndSyncAsync();

        // The backoff alone would have waited 5–10 ms.
        Assert.Equal([TimeSpan.FromSeconds(1)], h.Observer.Delays(ResourceKind.Service, reason));
        Assert.True(h.Sink.Contains(ResourceKind.Service, "default", "a"));
        Assert.DoesNotContain("answers again", h.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_continue_token_restarts_the_list_and_never_applies_a_partial_one()
    {
        await using var h = await SourceHarness.CreateAsync(o => o.ListPageSize = 2);
        for (var i = 0; i < 5; i++)
        {
            h.Api.Create(Objects.Service("default", $"svc-{i}"));
        }

        h.Api.ExpireContinueTokens(FakeResources.Services, 1);
        await h.StartAndSyncAsync();

        Assert.Equal(5, h.Sink.Current(ResourceKind.Service)!.Count);
        Assert.Equal(1, h.Sink.ReplaceAllCount(ResourceKind.Service));
        Assert.Single(h.Observer.Delays(ResourceKind.Service, WatchRestartReason.ListFailed));

        // First page, its expired continuation, then a whole new list of three pages.
        var lists = h.Api.RequestsFor(FakeResources.Services, "list");
        Assert.Equal([false, true, false, true, true], lists.Select(l => l.Continue is not null));
    }

    [Fact]
    public async Task Watch_ended_by_server_timeout_is_resumed()
    {
        await using var h = await SourceHarness.CreateAsync(o => o.WatchTimeout = TimeSpan.FromSeconds(1));
        await h.StartAndSyncAsync();
        h.Api.Create(Objects.Service("default", "a"));
        await h.WaitForAsync(s => s.Contains(ResourceKind.Service, "default", "a"), "a added");
        var a = h.Api.Get<V1Service>("default", "a")!;

        await h.PollAsync(() => h.Observer.Restarts.Any(r => r.Kind == ResourceKind.Service && r.Reason == WatchRestartReason.Closed)
            && h.Api.RequestsFor(FakeResources.Services, "watch").Any(w => w.ResourceVersion == a.Metadata.ResourceVersion), "services re-watched after server timeout");
        Assert.All(h.Api.RequestsFor(FakeResources.Services, "watch"), w => Assert.Equal(1, w.TimeoutSeconds));
        Assert.Equal(1, h.Api.CountRequests(FakeResources.Services, "list"));
    }
}
