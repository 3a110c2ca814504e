using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Plexus.Controller.Store;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Translation;

public class DeterminismAndUpdateTests
{
    private static readonly (string Crt, string Key) Pair = K8s.SelfSigned("app.test");

    /// <summary>A state exercising most rules at once, objects added in the given order.</summary>
    private static StateBuilder Rich(bool reversed = false)
    {
        var adds = new List<Action<StateBuilder>>
        {
            s => s.Backend("a", "web", 80, "http", 8080, "127.0.0.3", "127.0.0.1", "127.0.0.2"),
            s => s.Backend("a", "grpc", 9000, "grpc", 9090, "127.0.0.4"),
            s => s.Add(K8s.Service("b", "empty").Port(80)),
            s => s.Add(K8s.Service("b", "h2c").Port(80, "h", "kubernetes.io/h2c").Annotation(ProtocolAnnotations.Traefik, "http")),
            s => s.Add(K8s.Slice("b", "h2c-1", "h2c").Port(8080, "h").Endpoint("127.0.0.7", pod: "p7")),
            s => s.Add(K8s.Pod("b", "p7", K8s.HttpProbe(8080))),
            s => s.Add(K8s.Secret("a", "cert", "kubernetes.io/tls", Pair.Crt, Pair.Key)),
            s => s.Add(K8s.Ingress("a", "one").Created(1).Tls("cert", "app.test").Tls("gone", "x.test").DefaultBackend("web", "http")
                .Rule("app.test").Path("/", "Prefix", "web", 80).Path("/grpc", "Prefix", "grpc", "grpc").Path("/bad(", "Exact", "web", 80)
                .Rule("*.app.test").Path("/", "Prefix", "missing", 80)),
            s => s.Add(K8s.Ingress("b", "two").Created(2).DefaultBackend("empty", 80)
                .Rule("app.test").Path("/", "Prefix", "empty", 80).Path("/empty", "Prefix", "empty", 80).Path("/h2c", "Exact", "h2c", 80)
                .Rule("Bad_Host").Path("/", "Prefix", "empty", 80)),
        };
        if (reversed)
        {
            adds.Reverse();
        }

        var state = new StateBuilder();
        adds.ForEach(add => add(state));
        return state;
    }

    internal static void AssertEquivalent(ProxySnapshot expected, ProxySnapshot actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.DefaultClusterId, actual.DefaultClusterId);
        Assert.Equal(expected.Routes.ToArray(), actual.Routes.ToArray());
        Assert.Equal(expected.Clusters.ToArray(), actual.Clusters.ToArray());
        Assert.Equal(expected.Diagnostics.ToArray(), actual.Diagnostics.ToArray());
        Assert.Equal(
            expected.Certificates.Select(c => (c.Source, string.Join(",", c.Hosts), c.Certificate.Thumbprint)),
            actual.Certificates.Select(c => (c.Source, string.Join(",", c.Hosts), c.Certificate.Thumbprint)));
    }

    [Fact]
    public void Same_input_gives_an_equal_snapshot_whatever_the_insertion_order()
    {
        var first = Run.Build(Rich());
        var second = Run.Build(Rich());
        var reversed = Run.Build(Rich(reversed: true));

        AssertEquivalent(first, second);
        AssertEquivalent(first, reversed);
        Assert.NotEmpty(first.Diagnostics);
    }

    [Fact]
    public void Output_is_sorted()
    {
        var snapshot = Run.Build(Rich());

        Assert.Equal(snapshot.Routes.Select(r => r.Id).Order(StringComparer.Ordinal), snapshot.Routes.Select(r => r.Id));
        Assert.Equal(snapshot.Clusters.Select(c => c.Id).Order(StringComparer.Ordinal), snapshot.Clusters.Select(c => c.Id));
        Assert.Equal(snapshot.Diagnostics.Order(DiagnosticOrder.Instance), snapshot.Diagnostics);
        Assert.Equal(snapshot.Routes.Select(r => r.Id).Distinct(), snapshot.Routes.Select(r => r.Id));
        Assert.All(snapshot.Routes, r => Assert.Contains(snapshot.Clusters, c => c.Id == r.ClusterId));
        Assert.Equal("a/web:80", snapshot.DefaultClusterId);
    }

    [Fact]
    public void Version_is_the_callers()
    {
        var result = Translator.Build(Rich().Build(), ProbeResults.Empty, Run.Options(), 42);

        Assert.Equal(42, result.Snapshot.Version);
    }

    public static TheoryData<string, Action<StateBuilder>, ObjectKey[]> EndpointChanges => new()
    {
        { "endpoint added", s => s.Add(K8s.Slice("a", "web-2", "web").Port(8080, "http").Endpoint("127.0.0.9")), [new("a", "web")] },
        { "endpoints appear for an empty service", s => s.Add(K8s.Slice("b", "empty-1", "empty").Port(80).Endpoint("127.0.0.8")), [new("b", "empty")] },
        { "endpoints vanish", s => s.Add(K8s.Slice("a", "grpc-1", "grpc").Port(9090, "grpc").Endpoint("127.0.0.4", ready: false)), [new("a", "grpc")] },
        { "pod probe fixed", s => s.Add(K8s.Pod("b", "p7", K8s.GrpcProbe(8080))), [new("b", "h2c")] },
        { "pod probe broken", s => s.Add(K8s.Pod("a", "grpc-pod-0", K8s.HttpProbe(9090, "HTTPS"))), [new("a", "grpc")] },
        { "several at once, plus unknown and unresolved services", s => s
            .Add(K8s.Slice("a", "web-2", "web").Port(8080, "http").Endpoint("::1"))
            .Add(K8s.Slice("b", "empty-1", "empty").Port(80).Endpoint("127.0.0.8")),
            [new("a", "web"), new("b", "empty"), new("a", "missing"), new("z", "nothing")] },
    };

    [Theory]
    [MemberData(nameof(EndpointChanges))]
    public void UpdateEndpoints_equals_a_full_build_and_reuses_everything_else(string name, Action<StateBuilder> change, ObjectKey[] changed)
    {
        var before = Rich();
        var previous = Translator.Build(before.Build(), ProbeResults.Empty, Run.Options(), 1);
        change(before);
        var state = before.Build();

        var updated = Translator.UpdateEndpoints(previous, state, ProbeResults.Empty, changed, Run.Options(), 2);
        var rebuilt = Translator.Build(state, ProbeResults.Empty, Run.Options(), 2);

        AssertEquivalent(rebuilt.Snapshot, updated.Snapshot);

        // The same from the store's slice keys instead of a pass over all slices.
        var sliceKeys = changed.Distinct().ToImmutableDictionary(
            service => service,
            service => state.EndpointSlices
                .Where(s => s.Key.Namespace == service.Namespace && s.Value.Metadata.Labels is { } labels
                    && labels.TryGetValue(EndpointSliceIndex.ServiceNameLabel, out var name) && name == service.Name)
                .Select(s => s.Key)
                .ToImmutableArray());
        AssertEquivalent(rebuilt.Snapshot, Translator.UpdateEndpoints(previous, state, ProbeResults.Empty, changed, Run.Options(), 2, sliceKeys).Snapshot);
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Routes), ImmutableCollectionsMarshal.AsArray(updated.Snapshot.Routes));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Certificates), ImmutableCollectionsMarshal.AsArray(updated.Snapshot.Certificates));
        Assert.Same(previous.Protocols, updated.Protocols);
        var changedSet = changed.ToHashSet();
        for (var i = 0; i < previous.Snapshot.Clusters.Length; i++)
        {
            var origin = previous.Snapshot.Clusters[i].Origin!;
            if (!changedSet.Contains(new ObjectKey(origin.Namespace, origin.Service)))
            {
                Assert.Same(previous.Snapshot.Clusters[i], updated.Snapshot.Clusters[i]);
            }
        }

        Assert.False(previous.Snapshot.Clusters.SequenceEqual(updated.Snapshot.Clusters) && previous.Snapshot.Diagnostics.SequenceEqual(updated.Snapshot.Diagnostics), name);
    }

    [Fact]
    public void UpdateEndpoints_without_changes_only_bumps_the_version()
    {
        var previous = Translator.Build(Rich().Build(), ProbeResults.Empty, Run.Options(), 1);

        var updated = Translator.UpdateEndpoints(previous, Rich().Build(), ProbeResults.Empty, [], Run.Options(), 2);

        Assert.Equal(2, updated.Snapshot.Version);
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Clusters), ImmutableCollectionsMarshal.AsArray(updated.Snapshot.Clusters));
    }

    [Fact]
    public void UpdateVerdicts_stamps_new_verdicts_and_keeps_untouched_clusters()
    {
        var previous = Translator.Build(Rich().Build(), ProbeResults.Empty, Run.Options(), 1);
        var mismatch = new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only");
        var probes = new ProbeResults(ImmutableDictionary<ProbeKey, ProtocolVerdict>.Empty.Add(new ProbeKey("127.0.0.7", 8080, BackendProtocol.H2c), mismatch));

        var updated = Translator.UpdateVerdicts(previous, probes, 2);

        AssertEquivalent(Translator.Build(Rich().Build(), probes, Run.Options(), 2).Snapshot, updated.Snapshot);
        Assert.Equal(mismatch, updated.Snapshot.Cluster("b/h2c:80").Endpoints[0].Verdict);
        Assert.Same(previous.Snapshot.Cluster("a/web:80"), updated.Snapshot.Cluster("a/web:80"));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Routes), ImmutableCollectionsMarshal.AsArray(updated.Snapshot.Routes));
    }

    [Fact]
    public void UpdateVerdicts_of_named_clusters_restamps_only_those()
    {
        var previous = Translator.Build(Rich().Build(), ProbeResults.Empty, Run.Options(), 1);
        var mismatch = new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only");
        var verified = new ProtocolVerdict(VerdictKind.Verified, BackendProtocol.Http, "HTTP/1.1");
        var probes = new ProbeResults(ImmutableDictionary<ProbeKey, ProtocolVerdict>.Empty
            .Add(new ProbeKey("127.0.0.7", 8080, BackendProtocol.H2c), mismatch)
            .Add(new ProbeKey("127.0.0.1", 8080, BackendProtocol.Http), verified));

        // Only b/h2c:80 is named (plus an Id the snapshot does not have): a/web:80's new verdict is not looked at.
        var updated = Translator.UpdateVerdicts(previous, probes, new HashSet<string>(["b/h2c:80", "z/none:1"]), 2);

        Assert.Equal(mismatch, updated.Snapshot.Cluster("b/h2c:80").Endpoints[0].Verdict);
        Assert.Same(previous.Snapshot.Cluster("a/web:80"), updated.Snapshot.Cluster("a/web:80"));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Routes), ImmutableCollectionsMarshal.AsArray(updated.Snapshot.Routes));
        Assert.Contains(updated.Snapshot.Diagnostics, d => d.Reason == DiagnosticReasons.BackendProtocolMismatch && d.Subject.Name == "h2c");

        // Naming both gives what a full scan gives.
        var both = Translator.UpdateVerdicts(previous, probes, new HashSet<string>(["b/h2c:80", "a/web:80"]), 2);
        AssertEquivalent(Translator.UpdateVerdicts(previous, probes, 2).Snapshot, both.Snapshot);
    }

    [Fact]
    public void UpdateVerdicts_without_a_change_keeps_the_clusters_and_diagnostics_arrays()
    {
        var previous = Translator.Build(Rich().Build(), ProbeResults.Empty, Run.Options(), 1);

        var updated = Translator.UpdateVerdicts(previous, ProbeResults.Empty, new HashSet<string>(["a/web:80"]), 2);

        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Clusters), ImmutableCollectionsMarshal.AsArray(updated.Snapshot.Clusters));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Diagnostics), ImmutableCollectionsMarshal.AsArray(updated.Snapshot.Diagnostics));
    }

    [Fact]
    public void UpdateEndpoints_that_changes_nothing_Plexus_uses_keeps_the_cluster_and_diagnostics_instances()
    {
        var before = Rich();
        var previous = Translator.Build(before.Build(), ProbeResults.Empty, Run.Options(), 1);

        // A new slice with the endpoint web already has (first seen wins): same endpoints.
        before.Add(K8s.Slice("a", "web-9", "web").Port(8080, "http").Endpoint("127.0.0.1"));
        var updated = Translator.UpdateEndpoints(previous, before.Build(), ProbeResults.Empty, [new ObjectKey("a", "web")], Run.Options(), 2);

        Assert.Same(previous.Snapshot.Cluster("a/web:80"), updated.Snapshot.Cluster("a/web:80"));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Clusters), ImmutableCollectionsMarshal.AsArray(updated.Snapshot.Clusters));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Diagnostics), ImmutableCollectionsMarshal.AsArray(updated.Snapshot.Diagnostics));
        AssertEquivalent(Translator.Build(before.Build(), ProbeResults.Empty, Run.Options(), 2).Snapshot, updated.Snapshot);
    }

    [Fact]
    public void After_a_full_build_unchanged_clusters_and_arrays_are_the_previous_instances()
    {
        var before = Rich();
        var previous = Translator.Build(before.Build(), ProbeResults.Empty, Run.Options(), 1);

        // A Service change needs a full build; only b/h2c:80 changes (its protocol declaration is now plain HTTP).
        before.Add(K8s.Service("b", "h2c").Port(80, "h", "http"));
        var rebuilt = Translator.Build(before.Build(), ProbeResults.Empty, Run.Options(), 2);
        var kept = InstanceReuse.KeepUnchanged(previous, rebuilt);

        AssertEquivalent(rebuilt.Snapshot, kept.Snapshot);
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Routes), ImmutableCollectionsMarshal.AsArray(kept.Snapshot.Routes));
        Assert.Same(previous.Snapshot.Cluster("a/web:80"), kept.Snapshot.Cluster("a/web:80"));
        Assert.Same(previous.Snapshot.Cluster("a/grpc:9000"), kept.Snapshot.Cluster("a/grpc:9000"));
        Assert.NotEqual(previous.Snapshot.Cluster("b/h2c:80"), kept.Snapshot.Cluster("b/h2c:80"));
        Assert.Equal(["b/h2c:80"], ClusterChanges.Between(previous.Snapshot.Clusters, kept.Snapshot.Clusters).Select(c => c.New!.Id));
    }

    [Fact]
    public void A_full_build_of_the_same_state_reuses_every_array()
    {
        var previous = Translator.Build(Rich().Build(), ProbeResults.Empty, Run.Options(), 1);

        var kept = InstanceReuse.KeepUnchanged(previous, Translator.Build(Rich().Build(), ProbeResults.Empty, Run.Options(), 2));

        Assert.Equal(2, kept.Snapshot.Version);
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Clusters), ImmutableCollectionsMarshal.AsArray(kept.Snapshot.Clusters));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Routes), ImmutableCollectionsMarshal.AsArray(kept.Snapshot.Routes));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Diagnostics), ImmutableCollectionsMarshal.AsArray(kept.Snapshot.Diagnostics));
    }

    [Fact]
    public void After_a_full_build_that_adds_a_cluster_the_others_are_the_previous_instances()
    {
        var before = Rich();
        var previous = Translator.Build(before.Build(), ProbeResults.Empty, Run.Options(), 1);

        before.Backend("c", "new", 80, "http", 8080, "127.0.0.20")
            .Add(K8s.Ingress("c", "new").Created(3).Rule("new.test").Path("/", "Prefix", "new", 80));
        var kept = InstanceReuse.KeepUnchanged(previous, Translator.Build(before.Build(), ProbeResults.Empty, Run.Options(), 2));

        Assert.Equal(previous.Snapshot.Clusters.Length + 1, kept.Snapshot.Clusters.Length);
        Assert.Equal(["c/new:80"], ClusterChanges.Between(previous.Snapshot.Clusters, kept.Snapshot.Clusters).Select(c => c.New!.Id));
        Assert.Same(previous.Snapshot.Cluster("a/web:80"), kept.Snapshot.Cluster("a/web:80"));
    }
}
