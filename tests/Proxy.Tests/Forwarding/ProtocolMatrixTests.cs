using Plexus.Proxy.Model;
using Plexus.Testing;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>Every way in × every backend protocol: the backend sees the protocol the cluster declares.</summary>
public sealed class ProtocolMatrixTests(ForwardingFixture fixture) : IClassFixture<ForwardingFixture>
{
    public static TheoryData<ClientKind, BackendProtocol, TestBackendKind, string> Cases()
    {
        var data = new TheoryData<ClientKind, BackendProtocol, TestBackendKind, string>();
        foreach (var client in Enum.GetValues<ClientKind>())
        {
            data.Add(client, BackendProtocol.Http, TestBackendKind.Http1, "HTTP/1.1");
            data.Add(client, BackendProtocol.Http, TestBackendKind.Http1AndHttp2Cleartext, "HTTP/1.1");
            data.Add(client, BackendProtocol.H2c, TestBackendKind.H2c, "HTTP/2");
            data.Add(client, BackendProtocol.H2, TestBackendKind.TlsH2, "HTTP/2");
            data.Add(client, BackendProtocol.Https, TestBackendKind.TlsHttp1AndHttp2, "HTTP/2");
            data.Add(client, BackendProtocol.Https, TestBackendKind.TlsHttp1, "HTTP/1.1");
            data.Add(client, BackendProtocol.Auto, TestBackendKind.Http1, "HTTP/1.1");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Backend_sees_the_declared_protocol(ClientKind client, BackendProtocol protocol, TestBackendKind kind, string expected)
    {
        var backend = fixture[kind];
        await fixture.Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", protocol, backend)]);
        var path = $"/matrix/{Guid.NewGuid():N}";

        using var response = await fixture.Proxy.CreateClient(client).GetAsync(path);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(expected, Assert.Single(backend.RequestsFor(path)).Protocol);
        Assert.Equal(expected, response.Headers.GetValues("X-Backend-Protocol").Single());
    }

    [Fact]
    public async Task Auto_speaks_h2c_when_every_endpoint_is_verified_h2c()
    {
        var backend = fixture[TestBackendKind.H2c];
        var verified = new ProtocolVerdict(VerdictKind.Verified, BackendProtocol.H2c);
        var cluster = new ProxyCluster("auto", BackendProtocol.Auto, [new BackendEndpoint(backend.Host, backend.Port, verified)]);
        await fixture.Proxy.ApplyAsync(CatchAll("auto"), [cluster]);
        var path = $"/auto/{Guid.NewGuid():N}";

        using var response = await fixture.Proxy.CreateClient(ClientKind.Http1).GetAsync(path);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("HTTP/2", Assert.Single(backend.RequestsFor(path)).Protocol);
    }
}
