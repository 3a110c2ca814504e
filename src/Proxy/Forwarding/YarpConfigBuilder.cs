using Plexus.Proxy.Model;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Transforms;

namespace Plexus.Proxy.Forwarding;

/// <summary>Pure mapping from Plexus clusters to YARP configuration.</summary>
public static class YarpConfigBuilder
{
    /// <summary>Id of the YARP route that takes every request into the Plexus pipeline.</summary>
    public const string CatchAllRouteId = "plexus-catch-all";

    /// <summary>Id of the YARP cluster the catch-all route points at; it has no destinations and is always reassigned.</summary>
    public const string SentinelClusterId = "plexus-sentinel";

    /// <summary>The one YARP route: every host, every path, with <see cref="WithPlexusTransforms"/>.</summary>
    public static RouteConfig CatchAllRoute { get; } = new RouteConfig
    {
        RouteId = CatchAllRouteId,
        ClusterId = SentinelClusterId,
        Order = int.MaxValue,
        Match = new RouteMatch { Path = "/{**plexus-catch-all}" },
    }.WithPlexusTransforms();

    /// <summary>
    /// The request transforms of every proxied request, in order: headers the client named in Connection and
    /// Kestrel's X-Content-Length removed (<see cref="HopByHopRequestHeaders"/>); client-sent Forwarded, X-Real-IP,
    /// X-Forwarded-Prefix and X-Forwarded-Port removed; Host forwarded unchanged; X-Forwarded-For/-Proto/-Host set
    /// from the client connection (replacing what the client sent). Needs
    /// <see cref="PlexusReverseProxyBuilderExtensions.AddPlexusTransforms"/>.
    /// </summary>
    public static RouteConfig WithPlexusTransforms(this RouteConfig route) =>
        route
            .WithTransform(transform => transform[PlexusTransformFactory.HopByHopKey] = "on")
            .WithTransformRequestHeaderRemove(Forwarded)
            .WithTransformRequestHeaderRemove(XRealIp)
            .WithTransformRequestHeaderRemove(XForwardedPrefix)
            .WithTransformRequestHeaderRemove(XForwardedPort)
            .WithTransformUseOriginalHostHeader(useOriginal: true)
            .WithTransformXForwarded(
                xDefault: ForwardedTransformActions.Set,
                xFor: ForwardedTransformActions.Set,
                xHost: ForwardedTransformActions.Set,
                xProto: ForwardedTransformActions.Set,
                xPrefix: ForwardedTransformActions.Off);

    private const string Forwarded = "Forwarded";
    private const string XRealIp = "X-Real-IP";
    private const string XForwardedPrefix = "X-Forwarded-Prefix";
    private const string XForwardedPort = "X-Forwarded-Port";

    /// <summary>The cluster the catch-all route needs to exist.</summary>
    public static ClusterConfig SentinelCluster { get; } = new() { ClusterId = SentinelClusterId };

    /// <summary>
    /// The YARP cluster that carries the HTTP client for <paramref name="settings"/>. It has no destinations of its own:
    /// each request gets those of its Plexus cluster (<see cref="DestinationsOf"/>), so endpoint changes never touch
    /// YARP's configuration and every cluster with these settings shares the client's connection pools.
    /// </summary>
    public static ClusterConfig BuildClientCluster(BackendClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var metadata = new Dictionary<string, string>
        {
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
            ClusterId = settings.ClientClusterId(),
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

    /// <summary>The YARP destinations of <paramref name="cluster"/>'s endpoints that are spoken to with <paramref name="wireProtocol"/>.</summary>
    public static DestinationState[] DestinationsOf(ProxyCluster cluster, BackendProtocol wireProtocol)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var scheme = wireProtocol.UriScheme();
        var destinations = new List<DestinationState>(cluster.Endpoints.Length);
        foreach (var endpoint in TrafficEndpoints.Of(cluster, wireProtocol))
        {
            var authority = endpoint.Authority;
            destinations.Add(new DestinationState(authority, new DestinationModel(new DestinationConfig { Address = $"{scheme}://{authority}" })));
        }

        return [.. destinations];
    }
}
