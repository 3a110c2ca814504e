using k8s.Models;
using Plexus.Controller.Store;
using static Plexus.Controller.Tests.Store.TestObjects;

namespace Plexus.Controller.Tests.Store;

public class ResourceStoreTests
{
    [Fact]
    public void Upsert_then_delete()
    {
        var store = NewStore();
        store.Upsert(Service("a"));
        store.Upsert(Ingress("a"));
        Assert.True(store.Current.Services.ContainsKey(Key("a")));
        Assert.True(store.Current.Ingresses.ContainsKey(Key("a")));

        store.Delete(ResourceKind.Service, Key("a"));

        Assert.False(store.Current.Services.ContainsKey(Key("a")));
        Assert.True(store.Current.Ingresses.ContainsKey(Key("a")));
    }

    [Fact]
    public void Changes_name_the_slices_of_each_changed_service()
    {
        var store = NewStore();
        store.ReplaceAll(ResourceKind.EndpointSlice, [Slice("a-1", "a"), Slice("a-2", "a"), Slice("b-1", "b")]);
        store.TakeChanges();

        // a-2 moves to b, a-1 is updated, an unlabelled slice belongs to nobody.
        store.Upsert(Slice("a-2", "b", rv: "2"));
        store.Upsert(Slice("a-1", "a", rv: "2"));
        store.Upsert(Slice("x-1", null));
        var changes = store.TakeChanges();

        Assert.Equal([Key("a"), Key("b")], changes.EndpointSliceKeys!.Keys.OrderBy(k => k.Name));
        Assert.Equal([Key("a-1")], changes.EndpointSliceKeys[Key("a")].ToArray());
        Assert.Equal([Key("a-2"), Key("b-1")], changes.EndpointSliceKeys[Key("b")].OrderBy(k => k.Name));

        store.Delete(ResourceKind.EndpointSlice, Key("a-1"));
        Assert.Empty(store.TakeChanges().EndpointSliceKeys![Key("a")]);
    }

    [Fact]
    public void Managed_fields_and_the_last_applied_annotation_are_not_kept()
    {
        var store = NewStore();
        var listed = Service("a");
        var watched = Ingress("a");
        foreach (var metadata in new[] { listed.Metadata, watched.Metadata })
        {
            metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Apply" }];
            metadata.Annotations = new Dictionary<string, string>
            {
                [ResourceStore.LastAppliedAnnotation] = "{\"apiVersion\":\"v1\"}",
                ["plexus.dev/backend-protocol"] = "h2c",
            };
        }

        store.ReplaceAll(ResourceKind.Service, [listed]);
        store.Upsert(watched);

        foreach (var metadata in new[] { store.Current.Services[Key("a")].Metadata, store.Current.Ingresses[Key("a")].Metadata })
        {
            Assert.Null(metadata.ManagedFields);
            Assert.Equal(["plexus.dev/backend-protocol"], metadata.Annotations.Keys);
        }
    }

    [Fact]
    public void Keys_are_namespaced_except_for_ingress_classes()
    {
        var store = NewStore();
        var service = Service("a");
        service.Metadata.NamespaceProperty = null;
        store.Upsert(service);
        store.Upsert(Service("a", ns: "other"));
        store.Upsert(IngressClass("plexus"));

        Assert.Equal([Key("a"), Key("a", "other")], store.Current.Services.Keys.OrderBy(k => k.Namespace));
        Assert.Equal([new ObjectKey("", "plexus")], store.Current.IngressClasses.Keys);
    }

    [Fact]
    public void Replace_all_removes_unlisted_objects_and_marks_the_kind_synced()
    {
        var store = NewStore(expected: [ResourceKind.Service, ResourceKind.Ingress]);
        store.Upsert(Service("a"));
        store.Upsert(Service("b"));
        Assert.False(store.IsSynced(ResourceKind.Service));

        store.ReplaceAll(ResourceKind.Service, [Service("b", rv: "2"), Service("c")]);

        Assert.Equal(["b", "c"], store.Current.Services.Keys.Select(k => k.Name).Order());
        Assert.Equal("2", store.Current.Services[Key("b")].Metadata.ResourceVersion);
        Assert.True(store.IsSynced(ResourceKind.Service));
        Assert.False(store.AllSynced);

        store.ReplaceAll(ResourceKind.Ingress, []);

        Assert.True(store.AllSynced);
        Assert.False(store.IsSynced(ResourceKind.Pod));
    }

    [Fact]
    public void All_synced_waits_for_every_kind_by_default()
    {
        var store = NewStore();
        foreach (var kind in ResourceKinds.All.SkipLast(1))
        {
            store.ReplaceAll(kind, []);
        }

        Assert.False(store.AllSynced);
        store.ReplaceAll(ResourceKinds.All[^1], []);
        Assert.True(store.AllSynced);
        Assert.True(store.TakeChanges().AllSynced);
    }

    [Fact]
    public void Updates_with_the_same_resource_version_are_no_ops()
    {
        var store = NewStore();
        store.Upsert(Service("a", rv: "5"));
        store.ReplaceAll(ResourceKind.Service, [Service("a", rv: "5")]);
        store.TakeChanges();
        var before = store.Current;

        store.Upsert(Service("a", rv: "5"));
        store.ReplaceAll(ResourceKind.Service, [Service("a", rv: "5")]);
        store.Delete(ResourceKind.Service, Key("missing"));

        Assert.Same(before, store.Current);
        Assert.False(store.HasPendingChanges);

        store.Upsert(Service("a", rv: "6"));

        Assert.NotSame(before, store.Current);
        Assert.True(store.HasPendingChanges);
        Assert.Equal([ResourceKind.Service], store.TakeChanges().ChangedKinds);
    }

    [Fact]
    public void An_update_keeps_other_kinds_shared()
    {
        var store = NewStore();
        store.Upsert(Ingress("a"));
        var ingresses = store.Current.Ingresses;

        store.Upsert(Service("a"));

        Assert.Same(ingresses, store.Current.Ingresses);
    }

    [Fact]
    public void Pods_are_stored_as_their_readiness_probes()
    {
        var store = NewStore();
        var pod = Pod("p", readiness: new V1Probe { HttpGet = new V1HTTPGetAction { Port = "web", Path = "/ready" } });

        store.Upsert(pod);

        var probes = Assert.Single(store.Current.Pods).Value;
        Assert.Equal(new PodProbes("default", "p", probes.ReadinessProbes), probes);
        Assert.Equal(new ReadinessProbeInfo("app", ProbeKind.HttpGet, 8080, null, "HTTP"), Assert.Single(probes.ReadinessProbes));
    }

    [Fact]
    public void Pod_updates_that_keep_the_probes_are_no_ops()
    {
        var store = NewStore();
        V1Probe Probe() => new() { Grpc = new V1GRPCAction { Port = 9090 } };
        store.Upsert(Pod("p", rv: "1", readiness: Probe()));
        store.TakeChanges();
        var before = store.Current;

        var statusOnly = Pod("p", rv: "2", readiness: Probe());
        statusOnly.Status.Phase = "Succeeded";
        store.Upsert(statusOnly);

        Assert.Same(before, store.Current);
        Assert.False(store.HasPendingChanges);

        store.Upsert(Pod("p", rv: "3", readiness: new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 9090 } }));
        Assert.Equal(ProbeKind.TcpSocket, store.Current.Pods[Key("p")].ReadinessProbes[0].Kind);
    }

    [Fact]
    public void Secrets_are_kept_with_their_certificate_entries_only()
    {
        var store = NewStore();
        var opaque = Secret("opaque", "Opaque");
        opaque.Data = new Dictionary<string, byte[]> { ["password"] = [1, 2, 3], ["tls.crt"] = [4], ["tls.key"] = [5] };
        var token = Secret("token", "kubernetes.io/service-account-token");
        token.Data = new Dictionary<string, byte[]> { ["token"] = [6] };
        store.Upsert(opaque);
        store.Upsert(token);
        store.ReplaceAll(ResourceKind.Secret, [Secret("cert", "kubernetes.io/tls"), opaque, token]);

        var secrets = store.Current.Secrets;
        Assert.Equal(["cert", "opaque", "token"], secrets.Keys.Select(k => k.Name).Order());
        Assert.Equal(["tls.crt", "tls.key"], secrets[Key("opaque")].Data!.Keys.Order());
        Assert.Equal("Opaque", secrets[Key("opaque")].Type);

        // What is not a certificate entry is never kept: the Secret is known to exist, of its type, and nothing more.
        Assert.Null(secrets[Key("token")].Data);
        Assert.Equal("kubernetes.io/service-account-token", secrets[Key("token")].Type);
    }

    [Fact]
    public void Endpoint_slice_changes_name_their_service()
    {
        var store = NewStore();
        store.Upsert(Service("a"));
        store.Upsert(Slice("a-1", "a"));
        store.TakeChanges();

        store.Upsert(Slice("a-1", "a", rv: "2"));
        store.Upsert(Slice("b-1", "b"));
        store.Upsert(Slice("orphan", service: null));

        var changes = store.TakeChanges();
        Assert.True(changes.IsEndpointOnly);
        Assert.Equal([ResourceKind.EndpointSlice], changes.ChangedKinds);
        Assert.Equal([Key("a"), Key("b")], changes.EndpointServices.OrderBy(k => k.Name));

        store.Delete(ResourceKind.EndpointSlice, Key("b-1"));
        Assert.Equal([Key("b")], store.TakeChanges().EndpointServices);
    }

    [Fact]
    public void Pod_changes_name_the_services_whose_slices_reference_them()
    {
        var store = NewStore();
        store.Upsert(Slice("a-1", "a", pods: ["p1", "p2"]));
        store.Upsert(Slice("b-1", "b", pods: ["p2"]));
        store.Upsert(Slice("c-1", "c", ns: "other", pods: ["p1"]));
        store.TakeChanges();

        store.Upsert(Pod("p2", readiness: new V1Probe { Exec = new V1ExecAction { Command = ["true"] } }));
        var changes = store.TakeChanges();
        Assert.True(changes.IsEndpointOnly);
        Assert.Equal([ResourceKind.Pod], changes.ChangedKinds);
        Assert.Equal([Key("a"), Key("b")], changes.EndpointServices.OrderBy(k => k.Name));

        // Once the slice no longer references p2, its Service is no longer affected by p2.
        store.Upsert(Slice("b-1", "b", rv: "2", pods: ["p3"]));
        store.TakeChanges();
        store.Delete(ResourceKind.Pod, Key("p2"));
        Assert.Equal([Key("a")], store.TakeChanges().EndpointServices);
    }

    [Fact]
    public void Changes_to_other_kinds_are_not_endpoint_only()
    {
        var store = NewStore();
        store.Upsert(Slice("a-1", "a"));
        store.Upsert(Service("a"));

        var changes = store.TakeChanges();

        Assert.False(changes.IsEndpointOnly);
        Assert.Equal([ResourceKind.Service, ResourceKind.EndpointSlice], changes.ChangedKinds.Order());
        Assert.Equal([Key("a")], changes.EndpointServices);
        Assert.False(store.TakeChanges().IsEndpointOnly);
    }

    [Fact]
    public void Unsupported_objects_are_rejected()
    {
        var store = NewStore();
        Assert.Throws<ArgumentException>(() => store.Upsert(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x" } }));
        Assert.Throws<ArgumentException>(() => store.ReplaceAll(ResourceKind.Service, [Ingress("x")]));
        Assert.Throws<ArgumentException>(() => store.Upsert(new V1Service { Metadata = new V1ObjectMeta() }));
    }

    [Fact]
    public async Task Parallel_writers_lose_nothing()
    {
        var store = NewStore(TimeProvider.System);
        const int PerWriter = 500;
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                store.Upsert(Service($"s-{w}-{i}"));
                store.Upsert(Slice($"s-{w}-{i}-x", $"s-{w}-{i}", pods: [$"p-{w}-{i}"]));
                if (i % 2 == 1)
                {
                    store.Delete(ResourceKind.Service, Key($"s-{w}-{i - 1}"));
                }
            }
        }));
        var reader = Task.Run(() =>
        {
            var changedServices = 0;
            for (var i = 0; i < 200; i++)
            {
                changedServices += store.TakeChanges().EndpointServices.Count;
            }

            return changedServices;
        });

        await Task.WhenAll([.. writers, reader]);

        Assert.Equal(4 * PerWriter / 2, store.Current.Services.Count);
        Assert.Equal(4 * PerWriter, store.Current.EndpointSlices.Count);
        Assert.All(store.Current.Services.Keys, k => Assert.Equal(1, int.Parse(k.Name.Split('-')[2], System.Globalization.CultureInfo.InvariantCulture) % 2));
    }
}
