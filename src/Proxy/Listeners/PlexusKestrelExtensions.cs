using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Plexus.Proxy.Listeners;

public static class PlexusKestrelExtensions
{
    /// <summary>
    /// Adds the proxy's two traffic endpoints: the plain port (HTTP/1.1 and h2c prior knowledge on one socket) and
    /// the TLS port (ALPN h2 and http/1.1, certificate by SNI from <paramref name="certificates"/>).
    /// </summary>
    /// <remarks>
    /// Also sets server-wide options: <c>AllowAlternateSchemes</c> (h2c requests carry <c>:scheme http</c> on a
    /// connection Kestrel treats as TLS) and the client limits from <paramref name="options"/>
    /// (header size and count, request line, request headers and keep-alive timeouts, HTTP/2 streams). Kestrel's own
    /// HTTP/2 rapid-reset guard (CVE-2023-44487) then works against these limits: once a connection tracks more than
    /// max(2 × streams limit, 100) streams whose work has not finished, new streams are refused with
    /// ENHANCE_YOUR_CALM, and after 5 × 20 such refusals within five seconds (AppContext switch
    /// <c>Microsoft.AspNetCore.Server.Kestrel.Http2.MaxEnhanceYourCalmCount</c>, default 20) the connection is closed
    /// with GOAWAY ENHANCE_YOUR_CALM; it is also closed when more streams wait for output than it tracks. A
    /// CONTINUATION flood ends at the header size limit (a connection error at twice
    /// <see cref="PlexusListenerOptions.MaxRequestHeadersTotalSize"/>, counted across CONTINUATION frames) or, with
    /// empty frames, at the request headers timeout. Pair with <see cref="CleartextHttp2SchemeApplicationBuilderExtensions.UseCleartextHttp2Scheme"/>
    /// in the request pipeline.
    /// </remarks>
    /// <returns>Handles that expose the bound end points once the server has started.</returns>
    public static PlexusListeners ListenPlexusTraffic(this KestrelServerOptions kestrel, PlexusListenerOptions options, CertificateTable certificates)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(certificates);
        options.Validate();

        kestrel.AllowAlternateSchemes = true;
        kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        kestrel.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
        kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
        kestrel.Limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
        kestrel.Limits.MaxRequestLineSize = options.MaxRequestLineSize;
        kestrel.Limits.Http2.MaxStreamsPerConnection = options.Http2MaxStreamsPerConnection;
        kestrel.Limits.Http2.MaxRequestHeaderFieldSize = options.Http2MaxRequestHeaderFieldSize;

        var logger = (kestrel.ApplicationServices?.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance)
            .CreateLogger("Plexus.Proxy.Listeners");

        ListenOptions? http = null;
        kestrel.Listen(new IPEndPoint(options.BindAddress, options.HttpPort), listen =>
        {
            // Http1AndHttp2 is Kestrel's default; setting it explicitly on a cleartext endpoint only adds a startup
            // warning that HTTP/2 is disabled, which is not true here.
            if ((listen.Protocols & HttpProtocols.Http1AndHttp2) != HttpProtocols.Http1AndHttp2)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
            }

            listen.Use(next => new CleartextProtocolSelectionMiddleware(next, options.ProtocolDetectionTimeout, logger).OnConnectionAsync);
            http = listen;
        });

        ListenOptions? https = null;
        kestrel.Listen(new IPEndPoint(options.BindAddress, options.HttpsPort), listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = SelectServerOptions,
                OnConnectionState = certificates,
                HandshakeTimeout = options.TlsHandshakeTimeout,
            });
            https = listen;
        });

        return new PlexusListeners(http!, https!);
    }

    private static ValueTask<System.Net.Security.SslServerAuthenticationOptions> SelectServerOptions(TlsHandshakeCallbackContext context)
    {
        var table = (CertificateTable)context.State!;
        return ValueTask.FromResult(table.SelectAuthenticationOptions(context.ClientHelloInfo.ServerName));
    }
}
