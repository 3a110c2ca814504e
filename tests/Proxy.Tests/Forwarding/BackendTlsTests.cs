using System.Net;
using Plexus.Proxy.Model;
using Plexus.Testing;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>Backend certificate verification: off by default, against a CA bundle or the system store when asked.</summary>
public sealed class BackendTlsTests(ForwardingFixture fixture) : IClassFixture<ForwardingFixture>
{
    [Theory]
    [InlineData(BackendProtocol.H2, TestBackendKind.TlsH2)]
    [InlineData(BackendProtocol.Https, TestBackendKind.TlsHttp1)]
    public async Task Verification_against_the_issuing_ca_succeeds(BackendProtocol protocol, TestBackendKind kind)
    {
        var tls = new BackendTls(VerifyCertificate: true, CaBundlePem: TestCertificates.ToPem(fixture.Ca), ServerName: "backend.test");
        using var response = await SendAsync(protocol, kind, tls);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Verification_without_server_name_checks_the_name_the_handshake_used()
    {
        // The Host is 127.0.0.1:port, which the leaf certificate lists as an IP address.
        var tls = new BackendTls(VerifyCertificate: true, CaBundlePem: TestCertificates.ToPem(fixture.Ca));
        using var response = await SendAsync(BackendProtocol.H2, TestBackendKind.TlsH2, tls);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("other-ca")]
    [InlineData("wrong-name")]
    [InlineData("system-store")]
    public async Task Verification_failure_is_tls(string failure)
    {
        var tls = failure switch
        {
            "other-ca" => new BackendTls(true, TestCertificates.ToPem(fixture.OtherCa), "backend.test"),
            "wrong-name" => new BackendTls(true, TestCertificates.ToPem(fixture.Ca), "other.test"),
            _ => new BackendTls(true, null, "backend.test"),
        };

        using var response = await SendAsync(BackendProtocol.H2, TestBackendKind.TlsH2, tls);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("tls", response.Headers.GetValues("X-Plexus-Error").Single());
    }

    [Fact]
    public async Task Without_verification_any_certificate_is_accepted()
    {
        using var response = await SendAsync(BackendProtocol.H2, TestBackendKind.TlsH2, BackendTls.Default);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(BackendProtocol protocol, TestBackendKind kind, BackendTls tls)
    {
        var backend = fixture[kind];
        var cluster = Cluster("tls", protocol, backend) with { Tls = tls };
        await fixture.Proxy.ApplyAsync(CatchAll("tls"), [cluster]);
        return await fixture.Proxy.CreateClient(ClientKind.Http1).GetAsync("/tls");
    }
}
