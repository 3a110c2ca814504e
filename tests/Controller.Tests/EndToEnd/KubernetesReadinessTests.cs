using System.Net;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Testing;
using static Plexus.Controller.Tests.EndToEnd.KubernetesObjects;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>/readyz in Kubernetes mode: 503 until the first full sync has been applied, 200 after.</summary>
public sealed class KubernetesReadinessTests
{
    [Fact]
    public async Task Readyz_is_503_until_every_kind_was_listed_and_applied_then_200()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        api.Create(PlexusClass());
        api.Create(Service("ready"));
        api.Create(Slice("ready", "ready-1", backend));
        api.Create(Ingress("ready", ("/ready", "ready")));
        using var kubeconfig = new Kubeconfig(api.BaseAddress);

        // Every kind but Ingresses lists at once; the Ingress list is refused until the test lets it through.
        api.Refuse(FakeResources.Ingresses, "list", 1000);
        await using var plexus = await PlexusUnderTest.StartAsync(KubernetesModeFixture.KubernetesSettings(kubeconfig));
        await Poll.UntilAsync(
            () => api.CountRequests(FakeResources.Ingresses, "list") >= 2 && api.OpenWatches(FakeResources.Services) == 1,
            "the Ingress list refused twice while the other kinds are watched");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await plexus.AdminStatusAsync("/readyz"));
        Assert.Equal(HttpStatusCode.OK, await plexus.AdminStatusAsync("/healthz"));

        api.ClearRefusals();

        await plexus.WaitUntilReadyAsync();
        var response = await plexus.GetAsync("/ready");
        Assert.True(response.IsOk, $"the route is served once ready: {response}");
    }

    [Fact]
    public async Task Started_without_the_api_it_stays_not_ready_then_serves_soon_after_the_api_comes()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        api.Create(PlexusClass());
        api.Create(Service("late"));
        api.Create(Slice("late", "late-1", backend));
        api.Create(Ingress("late", ("/late", "late")));
        using var kubeconfig = new Kubeconfig(api.BaseAddress);

        // No API at start: connections refused, then 503s. Every list's retry waits 5 to 10 minutes.
        await api.RefuseConnectionsAsync();
        await using var plexus = await PlexusUnderTest.StartAsync(KubernetesApiOutageTests.Settings(kubeconfig));
        api.BeginOutage(HttpStatusCode.ServiceUnavailable);
        await api.AcceptConnectionsAsync();
        await Poll.UntilAsync(() => api.Requests.Count >= 2, "requests answered 503");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await plexus.AdminStatusAsync("/readyz"));
        Assert.Equal(HttpStatusCode.OK, await plexus.AdminStatusAsync("/healthz"));
        Assert.True((await plexus.GetAsync("/late")).IsNoRoute, "nothing is routed before the first sync");

        api.EndOutage();

        await plexus.WaitUntilReadyAsync();
        var response = await plexus.GetAsync("/late");
        Assert.True(response.IsOk, $"the route is served once ready: {response}");
    }
}
