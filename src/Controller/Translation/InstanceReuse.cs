using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// After a full build, hands back the previous instances of whatever did not change: every cluster equal to the
/// previous one with its Id, and the routes, diagnostics and certificates arrays when they are equal element by
/// element. The proxy and everything after the apply diff by reference, so a full build caused by one Service or
/// Ingress then costs them what changed. One comparison per cluster and route: far cheaper than the build itself.
/// </summary>
public static class InstanceReuse
{
    public static TranslationResult KeepUnchanged(TranslationResult? previous, TranslationResult next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (previous is null)
        {
            return next;
        }

        var old = previous.Snapshot;
        var snapshot = next.Snapshot;
        return next with
        {
            Snapshot = snapshot with
            {
                Routes = Same(old.Routes, snapshot.Routes),
                Clusters = Clusters(old.Clusters, snapshot.Clusters),
                Diagnostics = Same(old.Diagnostics, snapshot.Diagnostics),
                Certificates = Same(old.Certificates, snapshot.Certificates),
            },
        };
    }

    private static ImmutableArray<T> Same<T>(ImmutableArray<T> old, ImmutableArray<T> next) =>
        !old.IsDefault && !next.IsDefault && old.SequenceEqual(next) ? old : next;

    private static ImmutableArray<ProxyCluster> Clusters(ImmutableArray<ProxyCluster> old, ImmutableArray<ProxyCluster> next)
    {
        if (old.IsDefault || next.IsDefault)
        {
            return next;
        }

        var byId = new Dictionary<string, ProxyCluster>(old.Length, StringComparer.Ordinal);
        foreach (var cluster in old)
        {
            byId.TryAdd(cluster.Id, cluster);
        }

        var clusters = new ProxyCluster[next.Length];
        var allReused = next.Length == old.Length;
        for (var i = 0; i < next.Length; i++)
        {
            var cluster = next[i];
            if (byId.TryGetValue(cluster.Id, out var previous) && previous.Equals(cluster))
            {
                clusters[i] = previous;
                allReused = allReused && ReferenceEquals(old[i], previous);
            }
            else
            {
                clusters[i] = cluster;
                allReused = false;
            }
        }

        return allReused ? old : ImmutableArray.Create(clusters);
    }
}
