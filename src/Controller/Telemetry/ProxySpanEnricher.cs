using System.Diagnostics;
using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;
using Yarp.ReverseProxy.Model;

namespace Plexus.Controller.Telemetry;

/// <summary>
/// Adds what Plexus decided to ASP.NET Core's server span of a proxied request (no second span): the route, the
/// cluster, the protocol spoken upstream, the endpoint chosen and the error class of Plexus' own error answers.
/// </summary>
public static class ProxySpanEnricher
{
    public const string Route = "plexus.route";
    public const string Cluster = "plexus.cluster";
    public const string UpstreamProtocol = "plexus.upstream.protocol";
    public const string UpstreamAddress = "plexus.upstream.address";
    public const string Error = "plexus.error";

    /// <summary>Route id given to requests served by the default backend.</summary>
    public const string DefaultBackendRoute = "(default-backend)";

    public static void Enrich(Activity activity, HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(response);
        var features = response.HttpContext.Features;
        if (features.Get<IPlexusRouteFeature>() is { } target)
        {
            if (target.Route is { } route)
            {
                // YARP's one catch-all endpoint would name every span "GET /{**plexus-catch-all}"; the Ingress rule says more.
                activity.SetTag("http.route", route.Path);
                activity.DisplayName = $"{response.HttpContext.Request.Method} {route.Host}{route.Path}";
            }

            activity.SetTag(Route, target.Route?.Id ?? DefaultBackendRoute);
            activity.SetTag(Cluster, target.Cluster.Id);
            activity.SetTag(UpstreamProtocol, target.EffectiveProtocol.ToWireName());
        }

        if (features.Get<IReverseProxyFeature>()?.ProxiedDestination is { } destination)
        {
            activity.SetTag(UpstreamAddress, destination.Model.Config.Address);
        }

        if (response.Headers.TryGetValue("X-Plexus-Error", out var error))
        {
            activity.SetTag(Error, error.ToString());
        }
    }
}
