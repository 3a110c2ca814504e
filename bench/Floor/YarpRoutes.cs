using Plexus.Proxy.Forwarding;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Plexus.Bench.Floor;

/// <summary>YARP configuration for the <c>routes</c> mode: host h1.bench to the HTTP/1.1 upstream, h2c.bench to the h2c one (as Plexus' bench manifest).</summary>
internal static class YarpRoutes
{
    public static IReadOnlyList<RouteConfig> Routes { get; } =
    [
        Route("h1.bench", "h1"), Route("h2c.bench", "h2c"),
    ];

    public static IReadOnlyList<ClusterConfig> Clusters { get; } =
    [
        Cluster("h1", "http://127.0.0.1:18401", "1.1"),
        Cluster("h2c", "http://127.0.0.1:18402", "2.0"),
    ];

    private static RouteConfig Route(string host, string cluster) => new RouteConfig
    {
        RouteId = host,
        ClusterId = cluster,
        Match = new RouteMatch { Path = "/{**rest}", Hosts = [host] },
    }.WithPlexusTransforms();

    private static ClusterConfig Cluster(string id, string address, string version) => new()
    {
        ClusterId = id,
        Destinations = new Dictionary<string, DestinationConfig> { ["d"] = new() { Address = address } },
        HttpRequest = new ForwarderRequestConfig { Version = Version.Parse(version), VersionPolicy = HttpVersionPolicy.RequestVersionExact },
        HttpClient = new HttpClientConfig { EnableMultipleHttp2Connections = true },
    };
}
