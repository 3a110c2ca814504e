using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Tests.Model;

public class ClusterChangesTests
{
    private static readonly ProxyCluster A = Cluster("a");
    private static readonly ProxyCluster B = Cluster("b");
    private static readonly ProxyCluster C = Cluster("c");

    [Fact]
    public void The_same_instances_have_no_changes()
    {
        ImmutableArray<ProxyCluster> clusters = [A, B];

        Assert.Empty(ClusterChanges.Between(clusters, clusters));
        Assert.Empty(ClusterChanges.Between(clusters, [A, B]));
    }

    [Fact]
    public void Equal_content_in_another_instance_is_a_change_reference_equal_instances_are_not()
    {
        var b2 = Cluster("b");

        var changes = ClusterChanges.Between([A, B, C], [A, b2, C]);

        Assert.Equal([new ClusterChange(B, b2)], changes);
    }

    [Fact]
    public void Added_and_removed_clusters_are_matched_by_id()
    {
        var c2 = Cluster("c");
        var d = Cluster("d");

        var changes = ClusterChanges.Between([A, B, C], [c2, A, d]);

        Assert.Equal(3, changes.Count);
        Assert.Contains(new ClusterChange(C, c2), changes);
        Assert.Contains(new ClusterChange(null, d), changes);
        Assert.Contains(new ClusterChange(B, null), changes);
    }

    [Fact]
    public void From_or_to_nothing_every_cluster_is_a_change()
    {
        Assert.Equal([new ClusterChange(null, A), new ClusterChange(null, B)], ClusterChanges.Between(default, [A, B]));
        Assert.Equal(2, ClusterChanges.Between([A, B], []).Count);
    }

    private static ProxyCluster Cluster(string id) => new(id, BackendProtocol.Http, [new BackendEndpoint("127.0.0.1", 8080)]);
}
