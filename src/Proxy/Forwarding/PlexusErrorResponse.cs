using Microsoft.AspNetCore.Http;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>Writes the responses Plexus itself generates: a status, <c>X-Plexus-Error</c> and a short text body.</summary>
internal static class PlexusErrorResponse
{
    public const string HeaderName = "X-Plexus-Error";

    public static Task WriteAsync(HttpContext context, int statusCode, string errorClass, string body)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = statusCode;
        response.Headers[HeaderName] = errorClass;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>The body of an upstream failure: what happened, the cluster and its declared protocol.</summary>
    public static string UpstreamBody(IPlexusRouteFeature? route, string failureName, string detail)
    {
        if (route is null)
        {
            return $"Plexus: {failureName}: {detail}\n";
        }

        var declared = route.Cluster.Protocol.ToWireName();
        var speaking = route.Cluster.Protocol == route.EffectiveProtocol ? string.Empty : $" (speaking {route.EffectiveProtocol.ToWireName()})";
        return $"Plexus: {failureName}: {detail}\ncluster: {route.Cluster.Id}\ndeclared protocol: {declared}{speaking}\n";
    }
}
