using Microsoft.AspNetCore.Builder;

namespace Plexus.Proxy.Listeners;

public static class CleartextHttp2SchemeApplicationBuilderExtensions
{
    /// <summary>
    /// Corrects the request scheme of HTTP/2 requests to match the transport (h2c → "http", TLS → "https").
    /// Register it first in the pipeline of an app served by <see cref="PlexusKestrelExtensions.ListenPlexusTraffic"/>,
    /// before anything that reads <c>Request.Scheme</c>/<c>IsHttps</c> (forwarding headers, metrics, redirects).
    /// </summary>
    public static IApplicationBuilder UseCleartextHttp2Scheme(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<CleartextHttp2SchemeMiddleware>();
    }
}
