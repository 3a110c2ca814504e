using System.Diagnostics;
using System.Globalization;
using System.Net;
using k8s.Models;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Testing;
using Xunit.Abstractions;
using static Plexus.Controller.Tests.EndToEnd.KubernetesObjects;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// The Kubernetes API goes away under a running Plexus. Every retry after a failure waits 5 to 10 minutes here, so a
/// change made during the outage can only be served in time if the API's return wakes every waiting watcher.
/// </summary>
public sealed class KubernetesApiOutageTests(ITestOutputHelper output)
{
    /// <summary>Fast probing, and a backoff far longer than any wait of these tests.</summary>
    public static Dictionary<string, string?> Settings(Kubeconfig kubeconfig)
    {
        var settings = KubernetesModeFixture.KubernetesSettings(kubeconfig);
        settings["Kubernetes:InitialBackoff"] = "00:10:00";
        settings["Kubernetes:MaxBackoff"] = "00:10:00";
        settings["Kubernetes:ApiProbeInterval"] = "00:00:00.100";
        return settings;
    }

    [Fact]
    public async Task An_outage_of_refused_connections_then_503s_costs_no_request_and_a_change_made_meanwhile_is_served_when_the_api_returns()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        await using var steady = await TestBackend.StartAsync(TestBackendKind.Http1);
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        api.Create(PlexusClass());
        api.Create(Service("steady"));
        api.Create(Slice("steady", "steady-1", steady));
        api.Create(Ingress("steady", ("/steady", "steady")));
        api.Create(Service("moved"));
        api.Create(Slice("moved", "moved-1", backend));
        api.Create(Ingress("moved", ("/moved-old", "moved")));
        using var kubeconfig = new Kubeconfig(api.BaseAddress);
        await using var plexus = await PlexusUnderTest.StartAsync(Settings(kubeconfig));
        await plexus.WaitUntilReadyAsync();
        await plexus.WaitForAsync("/moved-old", r => r.IsOk, "the Ingress is served");
        await using var traffic = SteadyTraffic.Start(plexus, "/steady", r => r.Status == HttpStatusCode.OK && r.Body.StartsWith("HTTP/1.1 GET /steady", StringComparison.Ordinal));

        // Down: connections refused, every watch cut. The Ingress moves meanwhile.
        await api.RefuseConnectionsAsync();
        api.Update(Ingress("moved", ("/moved-new", "moved")));

        // Up again but answering 503 to everything, until Plexus has been refused at least twice.
        var requests = api.Requests.Count;
        api.BeginOutage(HttpStatusCode.ServiceUnavailable);
        await api.AcceptConnectionsAsync();
        await Poll.UntilAsync(() => api.Requests.Count >= requests + 2, "requests answered 503");
        Assert.True((await plexus.GetAsync("/moved-old")).IsOk, "the routes stay as they were during the outage");

        var returned = Stopwatch.StartNew();
        api.EndOutage();

        await plexus.WaitForAsync("/moved-new", r => r.IsOk, "the change made during the outage is served");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"served {returned.Elapsed.TotalMilliseconds:F0} ms after the API returned"));
        Assert.True((await plexus.GetAsync("/moved-old")).IsNoRoute, "the old path is no longer routed");
        Assert.Equal(HttpStatusCode.OK, await plexus.AdminStatusAsync("/readyz"));
        await traffic.StopAndAssertNoFailuresAsync();
    }

    [Fact]
    public async Task A_410_on_the_continue_token_of_a_relist_restarts_it_and_drops_what_was_deleted_in_the_gap()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        api.Create(PlexusClass());
        api.Create(Service("paged"));
        api.Create(Slice("paged", "paged-1", backend));
        for (var i = 0; i < 5; i++)
        {
            api.Create(Ingress($"paged-{i}", ($"/paged-{i}", "paged")));
        }

        using var kubeconfig = new Kubeconfig(api.BaseAddress);
        var settings = KubernetesModeFixture.KubernetesSettings(kubeconfig);
        settings["Kubernetes:ListPageSize"] = "2";
        await using var plexus = await PlexusUnderTest.StartAsync(settings);
        await plexus.WaitUntilReadyAsync();
        await plexus.WaitForAsync("/paged-4", r => r.IsOk, "the last Ingress is served");
        await Poll.UntilAsync(() => api.OpenWatches(FakeResources.Ingresses) == 1, "the Ingress watch is open");

        // The watch ends with 410 and the relist is held off until an Ingress is gone; then the relist's first
        // continuation has expired.
        var lists = api.CountRequests(FakeResources.Ingresses, "list");
        api.Refuse(FakeResources.Ingresses, "list", 1000);
        Assert.Equal(1, api.EndWatchesWithError(FakeResources.Ingresses, HttpStatusCode.Gone));
        await Poll.UntilAsync(() => api.CountRequests(FakeResources.Ingresses, "list") > lists, "a refused relist");
        api.Delete<V1Ingress>(Namespace, "paged-3");
        api.ClearRefusals();
        api.ExpireContinueTokens(FakeResources.Ingresses, 1);

        await plexus.WaitForAsync("/paged-3", r => r.IsNoRoute, "the Ingress deleted in the gap is gone");
        Assert.True((await plexus.GetAsync("/paged-4")).IsOk, "an Ingress on a later page is still served");
        var relists = api.RequestsFor(FakeResources.Ingresses, "list").Skip(lists).ToList();

        // Refused lists, then a page, its expired continuation, and a whole new list of two pages (four Ingresses are left).
        Assert.Equal([false, true, false, true], relists.TakeLast(4).Select(l => l.Continue is not null));
        Assert.Equal(2, relists.Count(l => l.Continue is not null));
    }
}
