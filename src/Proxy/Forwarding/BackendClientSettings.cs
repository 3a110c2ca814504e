using System.Net;
using System.Security.Cryptography;
using System.Text;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// How the proxy's HTTP client talks to a cluster: the wire protocol actually used (auto resolved), TLS and timeout.
/// Clusters with equal settings share one YARP cluster, hence one HTTP client whose connection pools are per backend
/// address; the YARP cluster id is derived from the settings, so a change of settings yields another client while
/// clusters whose settings did not change keep theirs (and their open connections) across snapshots.
/// </summary>
public sealed record BackendClientSettings(BackendProtocol Protocol, BackendTls Tls, TimeSpan ActivityTimeout)
{
    /// <summary>The settings of <paramref name="cluster"/> with the given effective timeout.</summary>
    public static BackendClientSettings For(ProxyCluster cluster, TimeSpan activityTimeout)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var protocol = EffectiveProtocol(cluster);
        var tls = protocol.UsesTls() ? cluster.Tls : BackendTls.Default;
        return new BackendClientSettings(protocol, tls, activityTimeout);
    }

    /// <summary>The settings of <paramref name="cluster"/> speaking <paramref name="wireProtocol"/> (one side of a split <c>auto</c> cluster).</summary>
    public static BackendClientSettings For(ProxyCluster cluster, BackendProtocol wireProtocol, TimeSpan activityTimeout)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var tls = wireProtocol.UsesTls() ? cluster.Tls : BackendTls.Default;
        return new BackendClientSettings(wireProtocol, tls, activityTimeout);
    }

    /// <summary>
    /// True for an <c>auto</c> cluster where some endpoints were verified to speak h2c and others not: those get h2c, the
    /// others HTTP/1.1, through two YARP clusters (<see cref="EffectiveProtocol"/> is then the HTTP/1.1 side).
    /// </summary>
    public static bool IsSplitAuto(ProxyCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Protocol != BackendProtocol.Auto)
        {
            return false;
        }

        int h2c = 0, traffic = 0;
        foreach (var endpoint in TrafficEndpoints.Of(cluster))
        {
            traffic++;
            h2c += TrafficEndpoints.IsVerifiedH2c(endpoint) ? 1 : 0;
        }

        return h2c > 0 && h2c < traffic;
    }

    /// <summary>
    /// The protocol spoken on the wire: the declared one, except <c>auto</c>, which is h2c when every endpoint was
    /// verified to speak h2c, and HTTP/1.1 otherwise (a split cluster speaks h2c to its verified endpoints besides, see
    /// <see cref="IsSplitAuto"/>).
    /// </summary>
    public static BackendProtocol EffectiveProtocol(ProxyCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Protocol != BackendProtocol.Auto)
        {
            return cluster.Protocol;
        }

        var traffic = TrafficEndpoints.Of(cluster);
        var allH2c = traffic.Any() && traffic.All(TrafficEndpoints.IsVerifiedH2c);
        return allH2c ? BackendProtocol.H2c : BackendProtocol.Http;
    }

    /// <summary>"http" or "https".</summary>
    public string Scheme => Protocol.UriScheme();

    /// <summary>The HTTP version requested from the backend.</summary>
    public Version Version => Protocol is BackendProtocol.Http ? HttpVersion.Version11 : HttpVersion.Version20;

    /// <summary>
    /// Exact for h2c (prior knowledge) and h2 (ALPN offers only h2): the defaults would silently fall back to HTTP/1.1.
    /// </summary>
    public HttpVersionPolicy VersionPolicy => Protocol is BackendProtocol.H2c or BackendProtocol.H2
        ? HttpVersionPolicy.RequestVersionExact
        : HttpVersionPolicy.RequestVersionOrLower;

    /// <summary>A short stable hash of these settings, used in the YARP cluster id.</summary>
    public string Hash()
    {
        var canonical = string.Join(
            '\n',
            Protocol.ToWireName(),
            Tls.VerifyCertificate ? "verify" : "noverify",
            Tls.ServerName ?? string.Empty,
            Tls.CaBundlePem ?? string.Empty,
            ActivityTimeout.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonical), digest);
        return Convert.ToHexStringLower(digest[..8]);
    }

    /// <summary>The content-addressed id of the YARP cluster that holds the client for these settings.</summary>
    public string ClientClusterId() => $"client-{Protocol.ToWireName()}-{Hash()}";
}
