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
    /// connection Kestrel treats as TLS), the HTTP/2 limits and the request headers timeout from
    /// <paramref name="options"/>. Pair with <see cref="CleartextHttp2SchemeApplicationBuilderExtensions.UseCleartextHttp2Scheme"/>
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
