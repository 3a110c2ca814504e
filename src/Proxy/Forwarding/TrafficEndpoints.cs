using Plexus.Proxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>Which endpoints of a cluster get traffic under its declared protocol.</summary>
public static class TrafficEndpoints
{
    /// <summary>
    /// Every endpoint, except those the prober found not to speak the declared protocol. <c>auto</c> keeps them all: it
    /// already falls back to HTTP/1.1 unless every endpoint was proven to speak h2c.
    /// </summary>
    public static IEnumerable<BackendEndpoint> Of(ProxyCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.Protocol == BackendProtocol.Auto
            ? cluster.Endpoints
            : cluster.Endpoints.Where(e => e.Verdict.Kind != VerdictKind.Mismatch);
    }

    /// <summary>
    /// Why the cluster gets no traffic although it has endpoints (all failed the protocol probe), or null when some get it.
    /// </summary>
    public static string? RefusalReason(ProxyCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Endpoints.IsDefaultOrEmpty || Of(cluster).Any())
        {
            return null;
        }

        var reasons = cluster.Endpoints
            .Select(e => e.Verdict.Reason is { } reason ? $"{e.Authority}: {reason}" : $"{e.Authority}: does not speak {cluster.Protocol.ToWireName()}")
            .Take(3);
        return $"every endpoint failed the {cluster.Protocol.ToWireName()} probe ({string.Join("; ", reasons)})";
    }
}
