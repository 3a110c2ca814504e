using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Plexus.Proxy.Listeners;

/// <summary>
/// Makes <see cref="HttpRequest.Scheme"/> (and so <see cref="HttpRequest.IsHttps"/>) of an HTTP/2 request say what
/// the transport really is ("http" or "https"), whatever <c>:scheme</c> the client sent.
/// </summary>
/// <remarks>
/// h2c connections on the plain port carry a TLS connection feature (see <see cref="ICleartextHttp2Feature"/>), so
/// Kestrel would call them "https"; <c>AllowAlternateSchemes</c>, needed for their <c>:scheme http</c>, also lets a
/// TLS client claim "http" and any client claim any other syntactically valid scheme. HTTP/1.x requests need nothing: Kestrel derives their scheme from the real transport.
/// </remarks>
internal sealed class CleartextHttp2SchemeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpProtocol.IsHttp2(request.Protocol))
        {
            var features = context.Features;
            var isTls = features.Get<ICleartextHttp2Feature>() is null && features.Get<ITlsHandshakeFeature>() is not null;
            var scheme = isTls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;
            if (!string.Equals(request.Scheme, scheme, StringComparison.Ordinal))
            {
                request.Scheme = scheme;
            }
        }

        return next(context);
    }
}
