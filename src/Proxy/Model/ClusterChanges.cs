using System.Collections.Immutable;

namespace Plexus.Proxy.Model;

/// <summary>One cluster that differs between two snapshots: added (no <see cref="Old"/>), removed (no <see cref="New"/>) or replaced.</summary>
public readonly record struct ClusterChange(ProxyCluster? Old, ProxyCluster? New);

/// <summary>
/// The clusters that differ between two cluster arrays, by reference: an instance present in both (same position or
/// same Id) is unchanged, whatever its content. The translator reuses the instances of clusters it did not touch, so
/// for an endpoint or verdict update this costs one pointer comparison per cluster and work per changed cluster; only
/// a full build, whose clusters are all new instances, costs a lookup per cluster.
/// </summary>
public static class ClusterChanges
{
    public static List<ClusterChange> Between(ImmutableArray<ProxyCluster> old, ImmutableArray<ProxyCluster> next)
    {
        var changes = new List<ClusterChange>();
        old = old.IsDefault ? [] : old;
        next = next.IsDefault ? [] : next;
        if (old == next)
        {
            return changes;
        }

        if (old.Length == next.Length && SamePositions(old, next, changes))
        {
            return changes;
        }

        changes.Clear();
        var byId = new Dictionary<string, ProxyCluster>(old.Length, StringComparer.Ordinal);
        foreach (var cluster in old)
        {
            byId.TryAdd(cluster.Id, cluster);
        }

        foreach (var cluster in next)
        {
            if (byId.Remove(cluster.Id, out var previous))
            {
                if (!ReferenceEquals(previous, cluster))
                {
                    changes.Add(new ClusterChange(previous, cluster));
                }
            }
            else
            {
                changes.Add(new ClusterChange(null, cluster));
            }
        }

        foreach (var gone in byId.Values)
        {
            changes.Add(new ClusterChange(gone, null));
        }

        return changes;
    }

    // The shape of an endpoint or verdict update: same clusters at the same positions, a few replaced.
    private static bool SamePositions(ImmutableArray<ProxyCluster> old, ImmutableArray<ProxyCluster> next, List<ClusterChange> changes)
    {
        for (var i = 0; i < old.Length; i++)
        {
            var a = old[i];
            var b = next[i];
            if (ReferenceEquals(a, b))
            {
                continue;
            }

            if (!string.Equals(a.Id, b.Id, StringComparison.Ordinal))
            {
                return false;
            }

            changes.Add(new ClusterChange(a, b));
        }

        return true;
    }
}
