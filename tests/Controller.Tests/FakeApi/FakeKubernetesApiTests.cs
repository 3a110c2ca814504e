using System.Net;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;

namespace Plexus.Controller.Tests.FakeApi;

/// <summary>The fake's single-object endpoints, driven through the real KubernetesClient as the status writer, event recorder and leader election will.</summary>
public sealed class FakeKubernetesApiTests : IAsyncLifetime
{
    private FakeKubernetesApi _api = null!;
    private k8s.Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _client = _api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Get_returns_the_object_or_404()
    {
        _api.Create(new V1Ingress { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "web" }, Spec = new V1IngressSpec { IngressClassName = "plexus" } });

        var ingress = await _client.NetworkingV1.ReadNamespacedIngressAsync("web", "default");
        Assert.Equal("plexus", ingress.Spec.IngressClassName);
        Assert.NotNull(ingress.Metadata.Uid);

        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => _client.NetworkingV1.ReadNamespacedIngressAsync("nope", "default"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Equal("get", _api.Requests[^1].Verb);
    }

    [Fact]
    public async Task Ingress_status_replace_and_patch_change_only_the_status_and_check_resource_version()
    {
        var created = _api.Create(new V1Ingress { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "web" }, Spec = new V1IngressSpec { IngressClassName = "plexus" } });

        var read = await _client.NetworkingV1.ReadNamespacedIngressAsync("web", "default");
        read.Spec.IngressClassName = "ignored-by-status-update";
        read.Status = new V1IngressStatus { LoadBalancer = new V1IngressLoadBalancerStatus { Ingress = [new V1IngressLoadBalancerIngress { Ip = "127.0.0.1" }] } };
        var replaced = await _client.NetworkingV1.ReplaceNamespacedIngressStatusAsync(read, "web", "default");

        Assert.Equal("127.0.0.1", replaced.Status.LoadBalancer.Ingress[0].Ip);
        var stored = _api.Get<V1Ingress>("default", "web")!;
        Assert.Equal("plexus", stored.Spec.IngressClassName);
        Assert.Equal("127.0.0.1", stored.Status.LoadBalancer.Ingress[0].Ip);
        Assert.NotEqual(created.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);

        // The object read before the update is stale now.
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => _client.NetworkingV1.ReplaceNamespacedIngressStatusAsync(read, "web", "default"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);

        var patch = new V1Patch("""{"status":{"loadBalancer":{"ingress":[{"hostname":"localhost"}]}}}""", V1Patch.PatchType.MergePatch);
        var patched = await _client.NetworkingV1.PatchNamespacedIngressStatusAsync(patch, "web", "default");
        Assert.Equal("localhost", patched.Status.LoadBalancer.Ingress[0].Hostname);
        Assert.Equal("plexus", patched.Spec.IngressClassName);
        Assert.Equal(["update", "update", "patch"], _api.Requests.Where(r => r.Subresource == "status").Select(r => r.Verb));
    }

    [Fact]
    public async Task Events_can_be_created_and_patched()
    {
        var created = await _client.CoreV1.CreateNamespacedEventAsync(
            new Corev1Event
            {
                Metadata = new V1ObjectMeta { GenerateName = "web.", NamespaceProperty = "default" },
                InvolvedObject = new V1ObjectReference { Kind = "Ingress", Name = "web", NamespaceProperty = "default" },
                Reason = "ProtocolMismatch",
                Message = "h2c declared, HTTP/1.1 answered",
                Type = "Warning",
                Count = 1,
            },
            "default");

        Assert.StartsWith("web.", created.Metadata.Name, StringComparison.Ordinal);
        var patched = await _client.CoreV1.PatchNamespacedEventAsync(new V1Patch("""{"count":2}""", V1Patch.PatchType.MergePatch), created.Metadata.Name, "default");

        Assert.Equal(2, patched.Count);
        var stored = Assert.Single(_api.GetAll<Corev1Event>());
        Assert.Equal(2, stored.Count);
        Assert.Equal("ProtocolMismatch", stored.Reason);
    }

    [Fact]
    public async Task Leases_conflict_on_stale_resource_version_and_duplicate_create()
    {
        var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = "plexus", NamespaceProperty = "plexus-system" }, Spec = new V1LeaseSpec { HolderIdentity = "a" } };
        var created = await _client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "plexus-system");

        var duplicate = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoordinationV1.CreateNamespacedLeaseAsync(lease, "plexus-system"));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Response.StatusCode);

        created.Spec.HolderIdentity = "b";
        var replaced = await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "plexus", "plexus-system");
        Assert.Equal("b", replaced.Spec.HolderIdentity);

        created.Spec.HolderIdentity = "c";
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoordinationV1.ReplaceNamespacedLeaseAsync(created, "plexus", "plexus-system"));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Equal("b", (await _client.CoordinationV1.ReadNamespacedLeaseAsync("plexus", "plexus-system")).Spec.HolderIdentity);
    }

    [Fact]
    public async Task Client_leader_elector_acquires_a_lease()
    {
        var config = new LeaderElectionConfig(new LeaseLock(_client, "plexus-system", "plexus-leader", "pod-1"))
        {
            LeaseDuration = TimeSpan.FromSeconds(15),
            RenewDeadline = TimeSpan.FromSeconds(10),
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        };
        using var elector = new LeaderElector(config);
        var leading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        elector.OnStartedLeading += () => leading.TrySetResult();
        using var stop = new CancellationTokenSource();
        var run = elector.RunUntilLeadershipLostAsync(stop.Token);

        await leading.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("pod-1", _api.Get<V1Lease>("plexus-system", "plexus-leader")!.Spec.HolderIdentity);

        await stop.CancelAsync();
        try
        {
            await run.WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (OperationCanceledException)
        {
            // Either ending is fine: the elector stopped.
        }
    }

    [Fact]
    public async Task Watch_from_a_compacted_resource_version_gets_a_410_error_event()
    {
        var first = _api.Create(new V1Service { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "a" } });
        _api.Create(new V1Service { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "b" } });
        _api.CompactHistory();
        var errors = new List<Exception>();

        await foreach (var _ in _client.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: first.Metadata.ResourceVersion, onError: errors.Add))
        {
            Assert.Fail("no event expected");
        }

        var error = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, error.Status.Code);
    }

    [Fact]
    public async Task Watch_replays_history_after_the_requested_resource_version_in_order()
    {
        var a = _api.Create(new V1Service { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "a" } });
        _api.Create(new V1Service { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "b" } });
        _api.Create(new V1Pod { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "p" } });
        _api.Delete<V1Service>("default", "a");
        var seen = new List<(WatchEventType, string)>();

        await foreach (var (type, svc) in _client.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: a.Metadata.ResourceVersion, timeoutSeconds: 1))
        {
            seen.Add((type, svc.Metadata.Name));
        }

        Assert.Equal([(WatchEventType.Added, "b"), (WatchEventType.Deleted, "a")], seen);
    }
}

public sealed class FakeKubernetesApiHistoryTests
{
    [Fact]
    public async Task Watch_from_a_version_that_fell_out_of_the_bounded_history_gets_410()
    {
        await using var api = await FakeKubernetesApi.StartAsync(historyCapacity: 2);
        using var client = api.CreateClient();
        var first = api.Create(new V1Service { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "a" } });
        for (var i = 0; i < 3; i++)
        {
            api.Create(new V1Service { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = $"s{i}" } });
        }

        var errors = new List<Exception>();
        await foreach (var _ in client.CoreV1.WatchListServiceForAllNamespacesAsync(resourceVersion: first.Metadata.ResourceVersion, onError: errors.Add))
        {
            Assert.Fail("no event expected");
        }

        Assert.Equal(410, Assert.IsType<KubernetesException>(Assert.Single(errors)).Status.Code);
    }

    [Fact]
    public async Task Periodic_bookmarks_carry_the_current_resource_version()
    {
        await using var api = await FakeKubernetesApi.StartAsync(bookmarkInterval: TimeSpan.FromMilliseconds(50));
        using var client = api.CreateClient();
        var a = api.Create(new V1Service { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "a" } });
        api.Create(new V1Pod { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "p" } });

        (WatchEventType Type, string Version)? first = null;
        await foreach (var (type, svc) in client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: a.Metadata.ResourceVersion, timeoutSeconds: 10))
        {
            first = (type, svc.Metadata.ResourceVersion);
            break;
        }

        Assert.Equal((WatchEventType.Bookmark, api.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)), first);
    }

    [Fact]
    public async Task Refused_connections_then_an_outage_then_service_again_on_the_same_address()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        api.Create(new V1Service { Metadata = new V1ObjectMeta { NamespaceProperty = "default", Name = "web" } });

        await api.RefuseConnectionsAsync();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.CoreV1.ListNamespacedServiceAsync("default"));
        Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, (refused.InnerException as System.Net.Sockets.SocketException)?.SocketErrorCode);

        api.BeginOutage(HttpStatusCode.ServiceUnavailable, retryAfter: TimeSpan.FromSeconds(2));
        await api.AcceptConnectionsAsync();
        var unavailable = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespacedServiceAsync("default"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.Response.StatusCode);
        Assert.Equal(["2"], unavailable.Response.Headers.Single(h => h.Key.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)).Value);

        api.EndOutage();
        Assert.Single((await client.CoreV1.ListNamespacedServiceAsync("default")).Items);
    }
}
