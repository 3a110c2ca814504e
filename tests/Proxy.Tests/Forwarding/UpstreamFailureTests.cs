using System.Net;
using Plexus.Proxy.Model;
using Plexus.Testing;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>Real misbehaving backends produce explicit errors: status, X-Plexus-Error and a body naming cluster, protocol and class.</summary>
public sealed class UpstreamFailureTests(ForwardingFixture fixture) : IClassFixture<ForwardingFixture>
{
    [Theory]
    [InlineData(ClientKind.Http1)]
    [InlineData(ClientKind.H2c)]
    public async Task H2c_to_an_http1_only_kestrel_is_a_protocol_mismatch(ClientKind client)
    {
        var backend = fixture[TestBackendKind.Http1];
        await AssertFailureAsync(Cluster("default/web:80", BackendProtocol.H2c, backend), client, 502, "protocol-mismatch", "h2c");
    }

    [Fact]
    public async Task H2c_to_a_cleartext_http1_and_http2_kestrel_is_a_protocol_mismatch()
    {
        var backend = fixture[TestBackendKind.Http1AndHttp2Cleartext];
        await AssertFailureAsync(Cluster("default/web:80", BackendProtocol.H2c, backend), ClientKind.Http1, 502, "protocol-mismatch", "h2c");
    }

    [Fact]
    public async Task H2c_to_a_server_answering_http11_400_is_a_protocol_mismatch()
    {
        await using var server = MisbehavingServer.Start(Misbehavior.AnswerHttp11BadRequest);
        await AssertFailureAsync(Cluster("default/nginx:80", BackendProtocol.H2c, (server.Host, server.Port)), ClientKind.Http1, 502, "protocol-mismatch", "h2c");
    }

    [Fact]
    public async Task H2_to_a_tls_backend_without_h2_in_alpn_is_a_protocol_mismatch()
    {
        var backend = fixture[TestBackendKind.TlsHttp1];
        await AssertFailureAsync(Cluster("default/tls:443", BackendProtocol.H2, backend), ClientKind.Http1, 502, "protocol-mismatch", "h2");
    }

    [Theory]
    [InlineData(BackendProtocol.Http)]
    [InlineData(BackendProtocol.H2c)]
    [InlineData(BackendProtocol.H2)]
    public async Task Closed_port_is_connect_refused(BackendProtocol protocol)
    {
        var port = ClosedPort.Get();
        await AssertFailureAsync(Cluster("default/down:80", protocol, ("127.0.0.1", port)), ClientKind.Http1, 502, "connect-refused", protocol.ToWireName());
    }

    [Fact]
    public async Task Https_to_a_cleartext_backend_is_tls()
    {
        var backend = fixture[TestBackendKind.Http1];
        await AssertFailureAsync(Cluster("default/plain:80", BackendProtocol.Https, backend), ClientKind.Http1, 502, "tls", "https");
    }

    [Theory]
    [InlineData(BackendProtocol.Http)]
    [InlineData(BackendProtocol.H2c)]
    public async Task Backend_that_never_answers_is_a_timeout(BackendProtocol protocol)
    {
        await using var server = MisbehavingServer.Start(Misbehavior.NeverAnswer);
        var cluster = Cluster("default/stuck:80", protocol, (server.Host, server.Port)) with { RequestTimeout = TimeSpan.FromMilliseconds(300) };
        await AssertFailureAsync(cluster, ClientKind.Http1, 504, "timeout", protocol.ToWireName());
    }

    // Only over HTTP/1.1: an h2c client may see the reset as a plain close before the HTTP/2 handshake, which is what an
    // HTTP/1.1-only server does with the preface, and is classified as a protocol mismatch (see the classifier table).
    [Fact]
    public async Task Backend_that_resets_every_connection_is_reset()
    {
        await using var server = MisbehavingServer.Start(Misbehavior.ResetOnAccept);
        await AssertFailureAsync(Cluster("default/flaky:80", BackendProtocol.Http, (server.Host, server.Port)), ClientKind.Http1, 502, "reset", "http");
    }

    [Fact]
    public async Task H2c_to_a_server_sending_an_http11_response_head_is_a_protocol_mismatch()
    {
        await using var server = MisbehavingServer.Start(Misbehavior.CloseMidResponse);
        await AssertFailureAsync(Cluster("default/old:80", BackendProtocol.H2c, (server.Host, server.Port)), ClientKind.Http1, 502, "protocol-mismatch", "h2c");
    }

    [Fact]
    public async Task Backend_closing_mid_response_is_reset()
    {
        await using var server = MisbehavingServer.Start(Misbehavior.CloseMidResponse);
        await AssertFailureAsync(Cluster("default/flaky:80", BackendProtocol.Http, (server.Host, server.Port)), ClientKind.H2c, 502, "reset", "http");
    }

    [Fact]
    public async Task Route_timeout_overrides_the_cluster_timeout()
    {
        await using var server = MisbehavingServer.Start(Misbehavior.NeverAnswer);
        var cluster = Cluster("default/stuck:80", BackendProtocol.Http, (server.Host, server.Port)) with { RequestTimeout = TimeSpan.FromMinutes(5) };
        await fixture.Proxy.ApplyAsync([Route("r", cluster.Id) with { RequestTimeout = TimeSpan.FromMilliseconds(300) }], [cluster]);

        using var response = await fixture.Proxy.CreateClient(ClientKind.Http1).GetAsync("/stuck");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("timeout", response.Headers.GetValues("X-Plexus-Error").Single());
    }

    [Fact]
    public async Task Cluster_whose_every_endpoint_failed_the_probe_is_answered_502_without_forwarding()
    {
        var backend = fixture[TestBackendKind.Http1];
        var verdict = new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http, "answered the h2c preface with HTTP/1.1 400");
        var cluster = new ProxyCluster("default/web:80", BackendProtocol.H2c, [new BackendEndpoint(backend.Host, backend.Port, verdict)]);
        var path = $"/refused/{Guid.NewGuid():N}";

        var body = await AssertFailureAsync(cluster, ClientKind.Http1, 502, "protocol-mismatch", "h2c", path);

        Assert.Contains("answered the h2c preface with HTTP/1.1 400", body, StringComparison.Ordinal);
        Assert.Empty(backend.RequestsFor(path));
    }

    [Fact]
    public async Task Endpoints_that_failed_the_probe_get_no_traffic()
    {
        var http1 = fixture[TestBackendKind.Http1];
        var h2c = fixture[TestBackendKind.H2c];
        var cluster = new ProxyCluster("default/mixed:80", BackendProtocol.H2c,
        [
            new BackendEndpoint(http1.Host, http1.Port, new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only")),
            new BackendEndpoint(h2c.Host, h2c.Port, new ProtocolVerdict(VerdictKind.Verified, BackendProtocol.H2c)),
        ]);
        await fixture.Proxy.ApplyAsync(CatchAll(cluster.Id), [cluster]);
        var client = fixture.Proxy.CreateClient(ClientKind.Http1);
        var path = $"/mixed/{Guid.NewGuid():N}";

        for (var i = 0; i < 8; i++)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(8, h2c.RequestsFor(path).Count);
        Assert.Empty(http1.RequestsFor(path));
    }

    private async Task<string> AssertFailureAsync(ProxyCluster cluster, ClientKind client, int status, string failureClass, string protocol, string path = "/fail")
    {
        await fixture.Proxy.ApplyAsync(CatchAll(cluster.Id), [cluster]);

        using var response = await fixture.Proxy.CreateClient(client).GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((HttpStatusCode)status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.True(response.Headers.TryGetValues("X-Plexus-Error", out var errors) && errors.Single() == failureClass, body);
        Assert.Contains(failureClass, body, StringComparison.Ordinal);
        Assert.Contains($"cluster: {cluster.Id}", body, StringComparison.Ordinal);
        Assert.Contains($"declared protocol: {protocol}", body, StringComparison.Ordinal);
        return body;
    }
}
