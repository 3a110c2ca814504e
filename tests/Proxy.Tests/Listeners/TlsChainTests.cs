using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Plexus.Proxy.Listeners;
using Plexus.Proxy.Model;
using Plexus.Testing;

namespace Plexus.Proxy.Tests.Listeners;

/// <summary>The TLS port as a client that trusts only a root sees it: the whole chain is served, with a modern TLS policy.</summary>
/// <remarks>Linux only: cipher suite policies are how the test offers old suites, and Windows has none.</remarks>
[SupportedOSPlatform("linux")]
public sealed class TlsChainTests(TlsChainFixture chain, CertificateFixture certificates)
    : IClassFixture<TlsChainFixture>, IClassFixture<CertificateFixture>, IAsyncLifetime
{
    private const string ChainHost = "chain.test.local";
    private const string LeafOnlyHost = "leaf-only.test.local";
    private ListenerTestServer _server = null!;

    public async Task InitializeAsync()
    {
        var table = new CertificateTable(certificates.Default);
        Assert.Empty(table.Update(
        [
            new HostCertificate([ChainHost], chain.Leaf, "secret/default/chain") { Chain = [chain.Intermediate] },
            new HostCertificate([LeafOnlyHost], chain.Leaf, "secret/default/leaf-only"),
        ]));
        _server = await ListenerTestServer.StartAsync(table);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("1.1", "HTTP/1.1")]
    [InlineData("2.0", "HTTP/2")]
    public async Task Client_trusting_only_the_root_verifies_the_served_chain(string version, string protocol)
    {
        SslPolicyErrors? errors = null;
        using var client = CreateClient(Version.Parse(version), e => errors = e);

        var body = await client.GetStringAsync(new Uri($"https://{ChainHost}:{_server.HttpsPort}/"));

        Assert.StartsWith($"{protocol} https True ", body, StringComparison.Ordinal);
        Assert.Equal(SslPolicyErrors.None, errors);
    }

    [Fact]
    public async Task Without_the_intermediate_the_same_leaf_fails_verification()
    {
        // The control case: it shows the verification above depends on the intermediate the server sends.
        SslPolicyErrors? errors = null;
        using var client = CreateClient(HttpVersion.Version11, e => errors = e);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(new Uri($"https://{LeafOnlyHost}:{_server.HttpsPort}/")));

        Assert.Equal(SslPolicyErrors.RemoteCertificateChainErrors, errors);
    }

    [Fact]
    public async Task A_default_client_negotiates_tls13()
    {
        await using var tls = await HandshakeAsync(ChainHost, new SslClientAuthenticationOptions());

        Assert.Equal(SslProtocols.Tls13, tls.SslProtocol);
    }

    [Fact]
    public async Task Tls12_with_an_aead_suite_is_accepted()
    {
        await using var tls = await HandshakeAsync(ChainHost, new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls12,
            CipherSuitesPolicy = new CipherSuitesPolicy([TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]),
        });

        Assert.Equal(SslProtocols.Tls12, tls.SslProtocol);
        Assert.Equal(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.NegotiatedCipherSuite);
    }

    public static TheoryData<string, SslProtocols, TlsCipherSuite> Refused => new()
    {
#pragma warning disable SYSLIB0039, CA5397 // TLS 1.0/1.1 are what the test offers, to see them refused.
        { "TLS 1.1", SslProtocols.Tls11, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA },
        { "TLS 1.0", SslProtocols.Tls, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA },
#pragma warning restore SYSLIB0039, CA5397
        { "TLS 1.2 CBC", SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 },
        { "TLS 1.2 CBC SHA-1", SslProtocols.Tls12, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Old_protocols_and_non_aead_suites_are_refused(string name, SslProtocols protocol, TlsCipherSuite suite)
    {
        var error = await Record.ExceptionAsync(() => HandshakeAsync(ChainHost, new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = protocol,
            CipherSuitesPolicy = new CipherSuitesPolicy([suite]),
        }));

        Assert.True(error is AuthenticationException or IOException, $"{name}: {error?.GetType().Name ?? "handshake succeeded"}");
    }

    private HttpClient CreateClient(Version version, Action<SslPolicyErrors> onErrors)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = LoopbackConnect.ConnectAsync,
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { chain.Root },
                    RevocationMode = X509RevocationMode.NoCheck,
                    DisableCertificateDownloads = true,
                },
                RemoteCertificateValidationCallback = (_, _, _, errors) =>
                {
                    onErrors(errors);
                    return errors == SslPolicyErrors.None;
                },
            },
        };
        return new HttpClient(handler) { DefaultRequestVersion = version, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
    }

    private async Task<SslStream> HandshakeAsync(string targetHost, SslClientAuthenticationOptions options)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _server.HttpsPort));
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        options.TargetHost = targetHost;
        options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await tls.AuthenticateAsClientAsync(options, cts.Token);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }
}
