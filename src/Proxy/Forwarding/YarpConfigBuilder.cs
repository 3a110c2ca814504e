using Plexus.Proxy.Model;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace Plexus.Proxy.Forwarding;

/// <summary>Pure mapping from Plexus clusters to YARP configuration.</summary>
public static class YarpConfigBuilder
{
    /// <summary>Id of the YARP route that takes every request into the Plexus pipeline.</summary>
    public const string CatchAllRouteId = "plexus-catch-all";

    /// <summary>Id of the YARP cluster the catch-all route points at; it has no destinations and is always reassigned.</summary>
    public const string SentinelClusterId = "plexus-sentinel";

    /// <summary>The one YARP route: every host, every path; Host kept, X-Forwarded-For/-Proto/-Host set.</summary>
    public static RouteConfig CatchAllRoute { get; } = new RouteConfig
    {
        RouteId = CatchAllRouteId,
        ClusterId = SentinelClusterId,
        Order = int.MaxValue,
        Match = new RouteMatch { Path = "/{**plexus-catch-all}" },
    }
        .WithTransformUseOriginalHostHeader(useOriginal: true)
        .WithTransformXForwarded(
            xDefault: ForwardedTransformActions.Set,
            xFor: ForwardedTransformActions.Set,
            xHost: ForwardedTransformActions.Set,
            xProto: ForwardedTransformActions.Set,
            xPrefix: ForwardedTransformActions.Off);

    /// <summary>The cluster the catch-all route needs to exist.</summary>
    public static ClusterConfig SentinelCluster { get; } = new() { ClusterId = SentinelClusterId };

    /// <summary>The YARP cluster for <paramref name="cluster"/> with the given client settings.</summary>
    public static ClusterConfig BuildCluster(ProxyCluster cluster, BackendClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(settings);

        var destinations = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        foreach (var endpoint in TrafficEndpoints.Of(cluster, settings.Protocol))
        {
            destinations[endpoint.Authority] = new DestinationConfig { Address = $"{settings.Scheme}://{endpoint.Authority}" };
        }

        var metadata = new Dictionary<string, string>
        {
            [PlexusMetadata.ClusterId] = cluster.Id,
            [PlexusMetadata.Protocol] = settings.Protocol.ToWireName(),
        };
        if (settings.Tls.VerifyCertificate)
        {
            metadata[PlexusMetadata.TlsVerify] = "true";
            if (settings.Tls.CaBundlePem is { } ca)
            {
                metadata[PlexusMetadata.TlsCaBundle] = ca;
            }

            if (settings.Tls.ServerName is { } serverName)
            {
                metadata[PlexusMetadata.TlsServerName] = serverName;
            }
        }

        return new ClusterConfig
        {
            ClusterId = settings.YarpClusterId(cluster.Id),
            Destinations = destinations,
            Metadata = metadata,
            HttpClient = new HttpClientConfig
            {
                // Verification, when asked for, is done by PlexusHttpClientFactory from the metadata.
                DangerousAcceptAnyServerCertificate = !settings.Tls.VerifyCertificate,
                EnableMultipleHttp2Connections = true,
            },
            HttpRequest = new ForwarderRequestConfig
            {
                Version = settings.Version,
                VersionPolicy = settings.VersionPolicy,
                ActivityTimeout = settings.ActivityTimeout,
            },
        };
    }
}
