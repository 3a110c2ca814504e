namespace Plexus.Proxy.Listeners;

/// <summary>
/// Present on a connection of the plain port that was switched to HTTP/2 because it opened with the h2c preface.
/// </summary>
/// <remarks>
/// Kestrel only chooses HTTP/2 for a connection whose TLS features say ALPN "h2", so such a connection also carries
/// an <see cref="Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature"/> without certificates. It is cleartext:
/// decide "is this TLS?" by <see cref="Microsoft.AspNetCore.Http.HttpRequest.IsHttps"/> (after
/// <see cref="CleartextHttp2SchemeApplicationBuilderExtensions.UseCleartextHttp2Scheme"/>), by this feature, or by
/// <see cref="Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature"/> (never set on such a connection),
/// not by the presence of <c>ITlsConnectionFeature</c>.
/// </remarks>
public interface ICleartextHttp2Feature
{
}
