using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Plexus.Controller.Events;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Controller.Tests.Leadership;
using Plexus.Controller.Tests.Translation;
using Plexus.Proxy;
using Plexus.Proxy.Model;
using static Plexus.Controller.Tests.Leadership.PlexusCluster;

namespace Plexus.Controller.Tests.Events;

public sealed class DiagnosticEventTests
{
    [Fact]
    public async Task A_broken_Ingress_gets_one_Event_that_rebuilds_do_not_repeat_and_a_reappearance_increments()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        var broken = cluster.Api.Create(K8s.Ingress(Ns, "broken").Rule("broken.test").Path("/", "Prefix", "missing", 80).Build());
        var app = await cluster.StartPlexusAsync("solo");
        var applier = app.Services.GetRequiredService<ISnapshotApplier>();

        await Poll.UntilAsync(() => EventsOnBroken(cluster).Count == 1, "an Event on the broken Ingress");
        var created = Assert.Single(EventsOnBroken(cluster));
        Assert.Equal("Warning", created.Type);
        Assert.Equal(1, created.Count);
        Assert.Equal("Ingress", created.InvolvedObject.Kind);
        Assert.Equal("networking.k8s.io/v1", created.InvolvedObject.ApiVersion);
        Assert.Equal(broken.Metadata.Uid, created.InvolvedObject.Uid);
        Assert.Equal(Ns, created.Metadata.NamespaceProperty);
        Assert.Equal(EventOptions.SourceComponent, created.Source.Component);
        Assert.Equal(EventOptions.ReportingController, created.ReportingComponent);
        Assert.Equal("solo", created.ReportingInstance);
        Assert.Contains("missing", created.Message, StringComparison.Ordinal);

        // Rebuilds while the diagnostic persists write nothing.
        for (var i = 0; i < 3; i++)
        {
            var version = applier.Current.Version;
            cluster.Api.Create(K8s.Service(Ns, $"noise-{i}").Port(80, "http").Build());
            await Poll.UntilAsync(() => applier.Current.Version > version, "rebuild");
        }

        Assert.Equal(1, Assert.Single(EventsOnBroken(cluster)).Count);
        Assert.Equal(0, cluster.Api.CountRequests(FakeResources.Events, "patch"));

        // Fixed, then broken again: the same Event object counts the reappearance.
        cluster.Api.Create(K8s.Service(Ns, "missing").Port(80, "http").Build());
        await Poll.UntilAsync(() => !HasServiceNotFound(applier.Current), "diagnostic gone");
        cluster.Api.Delete<V1Service>(Ns, "missing");
        await Poll.UntilAsync(() => EventsOnBroken(cluster) is [{ Count: 2 }], "the reappearance increments the count");
        Assert.Equal(created.Metadata.Name, Assert.Single(EventsOnBroken(cluster)).Metadata.Name);
        Assert.DoesNotContain(cluster.Api.GetAll<Corev1Event>(), e => e.InvolvedObject.Name == "foreign");
    }

    [Fact]
    public async Task An_Event_the_API_refused_is_written_later_once()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        cluster.Api.Create(K8s.Ingress(Ns, "broken").Rule("broken.test").Path("/", "Prefix", "missing", 80).Build());
        cluster.Api.Refuse(FakeResources.Events, "create", 1);
        await cluster.StartPlexusAsync("solo", new Dictionary<string, string?> { ["Events:FailureRetryInterval"] = "00:00:00.200" });

        await Poll.UntilAsync(() => EventsOnBroken(cluster).Count == 1, "the Event after a refused create");
        Assert.Equal(2, cluster.Api.CountRequests(FakeResources.Events, "create"));
        Assert.Equal(1, Assert.Single(EventsOnBroken(cluster)).Count);
    }

    [Fact]
    public void A_Service_protocol_verdict_is_reported_on_the_Service_and_on_each_Ingress_routing_to_it()
    {
        var web = new ObjectRef("Service", "apps", "web");
        var snapshot = ProxySnapshot.Empty with
        {
            Clusters = [new ProxyCluster("apps/web:80", BackendProtocol.H2c, []) { Origin = new ClusterOrigin("apps", "web", "80") }],
            Routes =
            [
                new ProxyRoute("r1", "a.test", "/", PathMatchKind.Prefix, "apps/web:80") { Origin = new RouteOrigin("apps", "a") },
                new ProxyRoute("r2", "a.test", "/x", PathMatchKind.Prefix, "apps/web:80") { Origin = new RouteOrigin("apps", "a") },
                new ProxyRoute("r3", "b.test", "/", PathMatchKind.Prefix, "apps/web:80") { Origin = new RouteOrigin("apps", "b") },
            ],
            Diagnostics =
            [
                new Diagnostic(DiagnosticSeverity.Warning, web, "BackendProtocolMismatch", "speaks HTTP/1.1 only"),
                new Diagnostic(DiagnosticSeverity.Warning, web, "BackendProtocolMismatch", "speaks HTTP/1.1 only"),
                new Diagnostic(DiagnosticSeverity.Info, web, "SomethingNoteworthy", "not an Event"),
                new Diagnostic(DiagnosticSeverity.Error, new ObjectRef("Ingress", "apps", "c"), "ServiceNotFound", "no Service"),
            ],
        };

        var events = DiagnosticEvents.From(snapshot);

        Assert.Equal(
            [
                "Service/apps/web BackendProtocolMismatch Warning",
                "Ingress/apps/a BackendProtocolMismatch Warning",
                "Ingress/apps/b BackendProtocolMismatch Warning",
                "Ingress/apps/c ServiceNotFound Warning",
            ],
            events.Select(e => $"{e.Subject} {e.Reason} {e.Type}"));
        Assert.Equal("Service apps/web: speaks HTTP/1.1 only", events[1].Message);
    }

    [Fact]
    public async Task A_changed_message_updates_the_same_Event_instead_of_creating_another()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        cluster.Api.Create(K8s.Ingress(Ns, "broken").Rule("broken.test").Path("/", "Prefix", "missing", 80).Build());
        await cluster.StartPlexusAsync("solo");
        await Poll.UntilAsync(() => EventsOnBroken(cluster).Count == 1, "an Event on the broken Ingress");
        var created = Assert.Single(EventsOnBroken(cluster));

        // Same object, same reason, another detail (as a pod IP in a verdict message would be).
        cluster.Api.Update(K8s.Ingress(Ns, "broken").Rule("broken.test").Path("/", "Prefix", "absent", 80).Build());

        await Poll.UntilAsync(() => EventsOnBroken(cluster) is [{ Count: 2 }], "the change updates the Event");
        var updated = Assert.Single(EventsOnBroken(cluster));
        Assert.Equal(created.Metadata.Name, updated.Metadata.Name);
        Assert.Contains("absent", updated.Message, StringComparison.Ordinal);
        Assert.Equal(1, cluster.Api.CountRequests(FakeResources.Events, "create"));
    }

    [Fact]
    public async Task Writes_beyond_the_spam_burst_are_held_back_and_made_later()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        cluster.Api.Create(K8s.Ingress(Ns, "broken").Rule("broken.test").Path("/", "Prefix", "missing", 80).Build());
        await cluster.StartPlexusAsync("solo", new Dictionary<string, string?>
        {
            ["Events:SpamBurst"] = "1",
            ["Events:SpamRefillInterval"] = "00:00:01",
            ["Events:FailureRetryInterval"] = "00:00:00.100",
        });
        await Poll.UntilAsync(() => EventsOnBroken(cluster).Count == 1, "an Event on the broken Ingress");

        cluster.Api.Update(K8s.Ingress(Ns, "broken").Rule("broken.test").Path("/", "Prefix", "absent", 80).Build());

        // The one token went to the create: the update waits for the next token instead of being lost.
        await Poll.UntilAsync(() => EventsOnBroken(cluster) is [{ Count: 2 } e] && e.Message.Contains("absent", StringComparison.Ordinal), "the held-back update is made");
    }

    [Fact]
    public void Diagnostics_of_one_object_and_reason_are_one_Event_with_their_messages()
    {
        var ingress = new ObjectRef("Ingress", "apps", "a");
        var snapshot = ProxySnapshot.Empty with
        {
            Diagnostics =
            [
                new Diagnostic(DiagnosticSeverity.Error, ingress, "ServiceNotFound", "no Service one"),
                new Diagnostic(DiagnosticSeverity.Error, ingress, "ServiceNotFound", "no Service two"),
                new Diagnostic(DiagnosticSeverity.Error, ingress, "ServiceNotFound", "no Service one"),
            ],
        };

        var single = Assert.Single(DiagnosticEvents.From(snapshot));

        Assert.Equal(new EventKey(ingress, "ServiceNotFound", "Warning"), single.Key);
        Assert.Equal("no Service one; no Service two", single.Message);
    }

    private static List<Corev1Event> EventsOnBroken(PlexusCluster cluster) =>
        [.. cluster.Api.GetAll<Corev1Event>().Where(e => e.InvolvedObject.Name == "broken" && e.Reason == "ServiceNotFound")];

    private static bool HasServiceNotFound(ProxySnapshot snapshot) =>
        snapshot.Diagnostics.Any(d => d.Subject.Name == "broken" && d.Reason == "ServiceNotFound");
}
