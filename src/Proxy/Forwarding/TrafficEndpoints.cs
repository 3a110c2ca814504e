using Plexus.Proxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>Which endpoints of a cluster get traffic under its declared protocol.</summary>
public static class TrafficEndpoints
{
    /// <summary>
    /// Every endpoint, except those the prober found not to speak the declared protocol. Under <c>auto</c> a Mismatch
    /// means the endpoint speaks neither h2c nor HTTP/1.1 (the prober reports an HTTP/1.1 endpoint as Verified with
    /// Observed http), so it is left out too.
    /// </summary>
    public static IEnumerable<BackendEndpoint> Of(ProxyCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.Endpoints.Where(e => e.Verdict.Kind != VerdictKind.Mismatch);
    }

    /// <summary>
    /// The endpoints spoken to with <paramref name="wireProtocol"/>. For <c>auto</c> the endpoints split by their verdict:
    /// those verified to speak h2c get h2c, all others HTTP/1.1; for any other protocol this is <see cref="Of(ProxyCluster)"/>.
    /// </summary>
    public static IEnumerable<BackendEndpoint> Of(ProxyCluster cluster, BackendProtocol wireProtocol)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Protocol != BackendProtocol.Auto)
        {
            return Of(cluster);
        }

        var h2c = wireProtocol == BackendProtocol.H2c;
        return Of(cluster).Where(e => IsVerifiedH2c(e) == h2c);
    }

    /// <summary>The probe proved this endpoint speaks h2c (what <c>auto</c> needs to speak h2c to it).</summary>
    public static bool IsVerifiedH2c(BackendEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Verdict is { Kind: VerdictKind.Verified, Observed: BackendProtocol.H2c };
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
