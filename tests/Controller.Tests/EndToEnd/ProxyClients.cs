using System.Net;
using Plexus.Controller.Hosting;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>How a test client talks to Plexus.</summary>
public enum ClientProtocol
{
    /// <summary>HTTP/1.1 on the plain port.</summary>
    Http11,

    /// <summary>h2c with prior knowledge on the same plain port.</summary>
    H2c,

    /// <summary>HTTP/2 over TLS (ALPN h2) on the TLS port.</summary>
    TlsH2,
}

/// <summary>Clients that insist on their protocol (RequestVersionExact), so a downgrade fails instead of passing unnoticed.</summary>
public static class ProxyClients
{
    public static HttpClient Create(ClientProtocol protocol, PlexusEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        if (protocol == ClientProtocol.TlsH2)
        {
            // Plexus serves its generated default certificate; trust is not what these tests are about.
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        var (scheme, endpoint, version) = protocol switch
        {
            ClientProtocol.Http11 => ("http", endpoints.Http, HttpVersion.Version11),
            ClientProtocol.H2c => ("http", endpoints.Http, HttpVersion.Version20),
            ClientProtocol.TlsH2 => ("https", endpoints.Https, HttpVersion.Version20),
            _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
        };

        return new HttpClient(handler)
        {
            BaseAddress = new Uri($"{scheme}://{endpoint}/"),
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(20),
        };
    }
}
