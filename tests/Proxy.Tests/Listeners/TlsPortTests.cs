using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Plexus.Proxy.Listeners;
using Plexus.Proxy.Model;
using Plexus.Testing;

namespace Plexus.Proxy.Tests.Listeners;

public sealed class TlsPortTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>, IAsyncLifetime
{
    private CertificateTable _table = null!;
    private ListenerTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _table = new CertificateTable(certificates.Default);
        Assert.Empty(_table.Update(certificates.Hosts));
        _server = await ListenerTestServer.StartAsync(_table);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string> ServedCertificates => new()
    {
        { "exact.test.local", "exact" },
        { "EXACT.Test.Local", "exact" },
        { "a.wild.test.local", "wildcard" },
        { "b.wild.test.local", "wildcard" },
        { "a.b.wild.test.local", "default" },
        { "wild.test.local", "default" },
        { "unknown.test.local", "default" },
    };

    [Theory]
    [MemberData(nameof(ServedCertificates))]
    public async Task Certificate_is_chosen_by_sni(string serverName, string expected)
    {
        var (certificate, _) = await HandshakeAsync(serverName, SslApplicationProtocol.Http2);

        var expectedCertificate = expected switch
        {
            "exact" => certificates.Exact,
            "wildcard" => certificates.Wildcard,
            _ => certificates.Default,
        };
        Assert.Equal(expectedCertificate.Thumbprint, certificate.Thumbprint);
    }

    [Fact]
    public async Task Handshake_without_sni_gets_the_default_certificate()
    {
        // An IP address as target host sends no SNI.
        var (certificate, _) = await HandshakeAsync("127.0.0.1", SslApplicationProtocol.Http11);

        Assert.Equal(certificates.Default.Thumbprint, certificate.Thumbprint);
    }

    [Theory]
    [InlineData("h2")]
    [InlineData("http/1.1")]
    public async Task Alpn_negotiates_what_the_client_offers(string protocol)
    {
        var offered = protocol == "h2" ? SslApplicationProtocol.Http2 : SslApplicationProtocol.Http11;

        var (_, negotiated) = await HandshakeAsync("exact.test.local", offered);

        Assert.Equal(offered, negotiated);
    }

    [Theory]
    [InlineData("2.0", "HTTP/2")]
    [InlineData("1.1", "HTTP/1.1")]
    public async Task Requests_over_tls_see_https(string version, string expectedProtocol)
    {
        using var client = CreateClient(Version.Parse(version), _ => { });

        var body = await client.GetStringAsync(new Uri($"https://exact.test.local:{_server.HttpsPort}/"));

        Assert.StartsWith($"{expectedProtocol} https True ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_serves_new_certificate_to_new_connections_and_keeps_open_ones()
    {
        var uri = new Uri($"https://exact.test.local:{_server.HttpsPort}/");
        X509Certificate2? seenByFirst = null;
        using var first = CreateClient(HttpVersion.Version20, certificate => seenByFirst ??= certificate);
        var before = await first.GetStringAsync(uri);
        Assert.Equal(certificates.Exact.Thumbprint, seenByFirst!.Thumbprint);

        Assert.Empty(_table.Update([new HostCertificate(["exact.test.local"], certificates.Replacement, "secret/default/replacement")]));

        var after = await first.GetStringAsync(uri);
        Assert.StartsWith("HTTP/2 https True ", after, StringComparison.Ordinal);
        Assert.Equal(ConnectionId(before), ConnectionId(after));

        X509Certificate2? seenBySecond = null;
        using var second = CreateClient(HttpVersion.Version20, certificate => seenBySecond ??= certificate);
        var fresh = await second.GetStringAsync(uri);
        Assert.StartsWith("HTTP/2 https True ", fresh, StringComparison.Ordinal);
        Assert.NotEqual(ConnectionId(before), ConnectionId(fresh));
        Assert.Equal(certificates.Replacement.Thumbprint, seenBySecond!.Thumbprint);

        // The wildcard entry is gone with the update: its hosts fall back to the default.
        var (certificate, _) = await HandshakeAsync("a.wild.test.local", SslApplicationProtocol.Http2);
        Assert.Equal(certificates.Default.Thumbprint, certificate.Thumbprint);
    }

    [Fact]
    public async Task Http2_client_claiming_http_scheme_over_tls_is_seen_as_https()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _server.HttpsPort));
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "exact.test.local",
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        await tls.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        await using var http2 = RawHttp2Connection.Attach(tls);
        await http2.SendFrameAsync(RawHttp2Frame.Settings, 0, 0, ReadOnlyMemory<byte>.Empty);

        // HPACK static entries :method GET, :scheme http (index 6), :path /.
        await http2.SendFrameAsync(RawHttp2Frame.Headers, RawHttp2Frame.EndHeaders | RawHttp2Frame.EndStream, 1, new byte[] { 0x82, 0x86, 0x84 });

        var response = await http2.ReadResponseAsync(1);
        Assert.Equal(200, response.Status);
        Assert.StartsWith("HTTP/2 https True ", response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public void Bound_end_points_match_what_the_server_reports()
    {
        var addresses = _server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;

        Assert.NotEqual(0, _server.HttpPort);
        Assert.NotEqual(0, _server.HttpsPort);
        Assert.Contains($"http://127.0.0.1:{_server.HttpPort}", addresses);
        Assert.Contains($"https://127.0.0.1:{_server.HttpsPort}", addresses);
    }

    private static string ConnectionId(string body) => body.Split(' ')[3];

    private static HttpClient CreateClient(Version version, Action<X509Certificate2> onCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = LoopbackConnect.ConnectAsync,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    onCertificate(new X509Certificate2(certificate!));
                    return true;
                },
            },
        };
        return new HttpClient(handler) { DefaultRequestVersion = version, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
    }

    private async Task<(X509Certificate2 Certificate, SslApplicationProtocol Negotiated)> HandshakeAsync(string targetHost, SslApplicationProtocol offered)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _server.HttpsPort));
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                ApplicationProtocols = [offered],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
            cts.Token);
        var served = new X509Certificate2(tls.RemoteCertificate!);
        return (served, tls.NegotiatedApplicationProtocol);
    }
}
