using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Plexus.Controller.Leadership;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Controller.Tests.Translation;
using Plexus.Proxy;
using static Plexus.Controller.Tests.Leadership.PlexusCluster;

namespace Plexus.Controller.Tests.Leadership;

public sealed class LeaderStatusTests
{
    private static readonly Dictionary<string, string?> PublishLoopback = new() { ["Plexus:PublishAddress"] = "127.0.0.1" };

    [Fact]
    public async Task Only_the_leader_writes_status_and_a_follower_takes_over_when_it_stops()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        var a = await cluster.StartPlexusAsync("replica-a", PublishLoopback);
        var b = await cluster.StartPlexusAsync("replica-b", PublishLoopback);
        await WaitForRoutesAsync(a);
        await WaitForRoutesAsync(b);
        await Poll.UntilAsync(() => IsLeader(a) || IsLeader(b), "one replica leads");
        var (leader, follower) = IsLeader(a) ? (a, b) : (b, a);
        Assert.False(IsLeader(follower));
        Assert.Equal(Identity(leader), LeaseHolder(cluster));
        await Poll.UntilAsync(() => cluster.StatusOf("site") is [{ Ip: "127.0.0.1" }], "status of our Ingress written");

        // Rebuilds on both replicas after the write: nobody writes again, the follower never.
        await RebuildBothAsync(cluster, [leader, follower], "noise-1");
        await RebuildBothAsync(cluster, [leader, follower], "noise-2");
        Assert.Equal(1, cluster.StatusWrites("site"));
        Assert.Empty(cluster.StatusOf("foreign"));
        Assert.Equal(0, cluster.StatusWrites("foreign"));

        using var viaFollower = TrafficClient(follower);
        Assert.Contains("GET /hello", await GetSiteAsync(viaFollower), StringComparison.Ordinal);

        await cluster.StopAsync(leader);
        Assert.Equal("127.0.0.1", Assert.Single(cluster.StatusOf("site")).Ip); // not cleared without --update-status-on-shutdown
        Assert.Contains("GET /during-handover", await GetSiteAsync(viaFollower, "/during-handover"), StringComparison.Ordinal);
        await Poll.UntilAsync(() => IsLeader(follower), "the follower takes over the Lease", TimeSpan.FromSeconds(30));
        Assert.Equal(Identity(follower), LeaseHolder(cluster));

        // The new leader keeps the status right: a stale value written by someone else is replaced.
        using var client = cluster.Api.CreateClient();
        var stored = await client.NetworkingV1.ReadNamespacedIngressAsync("site", Ns);
        stored.Status = new V1IngressStatus { LoadBalancer = new V1IngressLoadBalancerStatus { Ingress = [new V1IngressLoadBalancerIngress { Hostname = "stale.localhost" }] } };
        await client.NetworkingV1.ReplaceNamespacedIngressStatusAsync(stored, "site", Ns);
        await Poll.UntilAsync(() => cluster.StatusOf("site") is [{ Ip: "127.0.0.1" }], "the new leader restores the status");
        Assert.Contains("GET /after-handover", await GetSiteAsync(viaFollower, "/after-handover"), StringComparison.Ordinal);
        Assert.Empty(cluster.StatusOf("foreign"));
    }

    [Fact]
    public async Task A_leader_that_stops_releases_the_Lease_so_the_follower_takes_over_before_it_expires()
    {
        // A Lease of a minute: the follower can only win it within the poll's 15 s if the leader gave it up.
        var longLease = new Dictionary<string, string?>(PublishLoopback) { ["LeaderElection:LeaseDuration"] = "00:01:00" };
        await using var cluster = await PlexusCluster.StartAsync();
        var a = await cluster.StartPlexusAsync("replica-a", longLease);
        var b = await cluster.StartPlexusAsync("replica-b", longLease);
        await Poll.UntilAsync(() => IsLeader(a) || IsLeader(b), "one replica leads");
        var (leader, follower) = IsLeader(a) ? (a, b) : (b, a);

        await cluster.StopAsync(leader);

        await Poll.UntilAsync(() => IsLeader(follower), "the follower takes over the released Lease", TimeSpan.FromSeconds(15));
        Assert.Equal(Identity(follower), LeaseHolder(cluster));
    }

    [Fact]
    public async Task Losing_the_Lease_only_stops_writing_and_the_replica_wins_it_back()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        var app = await cluster.StartPlexusAsync("solo", PublishLoopback);
        var leadership = app.Services.GetRequiredService<ILeadership>();
        var changes = new List<bool>();
        leadership.Changed += (_, _) =>
        {
            lock (changes)
            {
                changes.Add(leadership.IsLeader);
            }
        };
        await Poll.UntilAsync(() => leadership.IsLeader, "leader");
        await WaitForRoutesAsync(app);
        using var traffic = TrafficClient(app);

        // Another holder appears on the Lease (as after a partition): this replica steps down, then re-acquires once the intruder stops renewing.
        var lease = cluster.Api.Get<V1Lease>(LeaseNamespace, LeaderElectionOptions.DefaultLeaseName)!;
        lease.Spec.HolderIdentity = "intruder";
        lease.Spec.RenewTime = DateTime.UtcNow;
        cluster.Api.Update(lease);

        await Poll.UntilAsync(() => Snapshot(changes) is [.., false, true], "leadership lost and won back", TimeSpan.FromSeconds(30));
        Assert.Equal("solo", LeaseHolder(cluster));
        Assert.Contains("GET /still-serving", await GetSiteAsync(traffic, "/still-serving"), StringComparison.Ordinal);
        await Poll.UntilAsync(() => cluster.StatusOf("site") is [{ Ip: "127.0.0.1" }], "status kept by the leader");
    }

    [Fact]
    public async Task Lease_API_errors_delay_leadership_without_stopping_the_proxy()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        cluster.Api.Refuse(FakeResources.Leases, "get", 5);
        var app = await cluster.StartPlexusAsync("solo", PublishLoopback);
        await WaitForRoutesAsync(app);
        using var traffic = TrafficClient(app);
        Assert.Contains("GET /before-lease", await GetSiteAsync(traffic, "/before-lease"), StringComparison.Ordinal);

        await Poll.UntilAsync(() => IsLeader(app), "leader once the Lease API answers");
        Assert.True(cluster.Api.CountRequests(FakeResources.Leases, "get") > 5);
        await Poll.UntilAsync(() => cluster.StatusOf("site") is [{ Ip: "127.0.0.1" }], "status written by the new leader");
    }

    private static bool[] Snapshot(List<bool> changes)
    {
        lock (changes)
        {
            return [.. changes];
        }
    }

    [Fact]
    public async Task Status_is_cleared_on_shutdown_only_when_asked()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        var app = await cluster.StartPlexusAsync("solo", new Dictionary<string, string?>
        {
            ["Plexus:PublishAddress"] = "localhost,::1",
            ["Plexus:UpdateStatusOnShutdown"] = "true",
        });
        await Poll.UntilAsync(() => cluster.StatusOf("site").Count == 2, "status written");
        Assert.Contains(cluster.StatusOf("site"), s => s.Hostname == "localhost");
        Assert.Contains(cluster.StatusOf("site"), s => s.Ip == "::1");

        await cluster.StopAsync(app);

        Assert.Empty(cluster.StatusOf("site"));
        Assert.Equal(0, cluster.StatusWrites("foreign"));
    }

    [Fact]
    public async Task Publish_service_addresses_are_copied_and_followed()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        cluster.Api.Create(LoadBalancer(new V1LoadBalancerIngress { Hostname = "localhost" }));
        var app = await cluster.StartPlexusAsync("solo", new Dictionary<string, string?>
        {
            ["Plexus:PublishService"] = $"{LeaseNamespace}/plexus-lb",
            ["IngressStatus:ResyncInterval"] = "00:00:00.200",
        });
        await Poll.UntilAsync(() => cluster.StatusOf("site") is [{ Hostname: "localhost" }], "status from the publish Service");

        cluster.Api.Delete<V1Service>(LeaseNamespace, "plexus-lb");
        cluster.Api.Create(LoadBalancer(new V1LoadBalancerIngress { Ip = "::1" }));

        await Poll.UntilAsync(() => cluster.StatusOf("site") is [{ Ip: "::1" }], "status follows the publish Service");
        Assert.Equal(0, cluster.StatusWrites("foreign"));
        Assert.True(IsLeader(app));
    }

    private static V1Service LoadBalancer(V1LoadBalancerIngress address) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = LeaseNamespace, Name = "plexus-lb" },
        Spec = new V1ServiceSpec { Type = "LoadBalancer", Ports = [new V1ServicePort { Name = "http", Port = 80 }] },
        Status = new V1ServiceStatus { LoadBalancer = new V1LoadBalancerStatus { Ingress = [address] } },
    };

    private static string Identity(WebApplication app) => app.Services.GetRequiredService<ILeadership>().Identity;

    private static string? LeaseHolder(PlexusCluster cluster) =>
        cluster.Api.Get<V1Lease>(LeaseNamespace, LeaderElectionOptions.DefaultLeaseName)?.Spec?.HolderIdentity;

    private static async Task RebuildBothAsync(PlexusCluster cluster, WebApplication[] apps, string service)
    {
        var before = apps.Select(app => app.Services.GetRequiredService<ISnapshotApplier>().Current.Version).ToArray();
        cluster.Api.Create(K8s.Service(Ns, service).Port(80, "http").Build());
        for (var i = 0; i < apps.Length; i++)
        {
            var applier = apps[i].Services.GetRequiredService<ISnapshotApplier>();
            var version = before[i];
            await Poll.UntilAsync(() => applier.Current.Version > version, $"rebuild after {service}");
        }
    }
}
