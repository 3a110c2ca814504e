using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// First step of the YARP pipeline: matches Host + path against the live routing state and points the request at the
/// matched target (the HTTP client for its settings and its cluster's destinations), or answers 405 (CONNECT: Plexus
/// opens no tunnels), 404 (no route) or 503 (no endpoints) itself.
/// </summary>
internal sealed class PlexusRoutingMiddleware(RoutingStateHolder state)
{
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (TunnelRequests.IsConnectTunnel(context))
        {
            return PlexusErrorResponse.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "method-not-allowed", "Plexus: CONNECT (tunnelling) is not supported\n");
        }

        // One read of the volatile field: this request sees one state from here on.
        var current = state.Current;
        var request = context.Request;
        var target = current.Match(request.Host.Value.AsSpan(), request.Path.Value.AsSpan());
        if (target is null)
        {
            return PlexusErrorResponse.WriteAsync(context, StatusCodes.Status404NotFound, "no-route", "Plexus: no route for this host and path\n");
        }

        if (target.Alternate is { } alternate && Random.Shared.Next(target.SplitTotal) < target.AlternateShare)
        {
            target = alternate; // the h2c side of a split auto cluster
        }

        context.Features.Set<IPlexusRouteFeature>(target);
        if (target.Cluster.Endpoints.IsDefaultOrEmpty)
        {
            return PlexusErrorResponse.WriteAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                "no-endpoints",
                $"Plexus: cluster {target.Cluster.Id} has no ready endpoints\n");
        }

        if (target.RefusalReason is { } reason)
        {
            var failure = new UpstreamFailure(UpstreamFailureClass.ProtocolMismatch, reason);
            return PlexusErrorResponse.WriteAsync(context, failure.StatusCode, failure.Name, PlexusErrorResponse.UpstreamBody(target, failure.Name, reason));
        }

        context.ReassignProxyRequest(target.Client);
        context.GetReverseProxyFeature().AvailableDestinations = target.Destinations;
        return next(context);
    }
}
