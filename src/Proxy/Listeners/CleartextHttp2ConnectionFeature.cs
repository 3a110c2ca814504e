using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Plexus.Proxy.Listeners;

/// <summary>
/// The features that make Kestrel select HTTP/2 for a cleartext connection that sent the h2c preface
/// (its protocol selection wants a TLS connection feature and ALPN "h2"), plus our marker.
/// </summary>
internal sealed class CleartextHttp2ConnectionFeature : ICleartextHttp2Feature, ITlsConnectionFeature, ITlsApplicationProtocolFeature
{
    private static readonly byte[] Http2Alpn = "h2"u8.ToArray();
    private static readonly Task<X509Certificate2?> NoCertificate = Task.FromResult<X509Certificate2?>(null);

    public ReadOnlyMemory<byte> ApplicationProtocol => Http2Alpn;

    // There is no client certificate on a cleartext connection; whatever is assigned is ignored.
    public X509Certificate2? ClientCertificate
    {
        get => null;
        set { }
    }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => NoCertificate;
}
