using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Plexus.Proxy.Forwarding;

/// <summary>Recognizes requests that ask the proxy to open a raw TCP tunnel, which Plexus never does.</summary>
public static class TunnelRequests
{
    /// <summary>
    /// A CONNECT request (HTTP/1.1, or HTTP/2 without <c>:protocol</c>). HTTP/2 extended CONNECT (RFC 8441, WebSockets
    /// over HTTP/2) is not a tunnel: it is forwarded like any WebSocket upgrade.
    /// </summary>
    public static bool IsConnectTunnel(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return HttpMethods.IsConnect(context.Request.Method) &&
            context.Features.Get<IHttpExtendedConnectFeature>() is not { IsExtendedConnect: true };
    }
}
