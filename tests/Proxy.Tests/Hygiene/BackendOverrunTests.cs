using Plexus.Proxy.Model;
using Plexus.Proxy.Tests.Forwarding;
using Plexus.Testing;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Hygiene;

/// <summary>
/// An HTTP/1.1 backend that sends a second, unrequested response right after its Content-Length body: those bytes
/// reach no client, and the pooled connection they arrived on is never used again.
/// </summary>
public sealed class BackendOverrunTests(HygieneFixture fixture) : IClassFixture<HygieneFixture>
{
    [Theory]
    [InlineData(ClientKind.Http1)]
    [InlineData(ClientKind.H2c)]
    [InlineData(ClientKind.H2Tls)]
    public async Task Bytes_after_the_body_reach_no_client_and_the_connection_is_discarded(ClientKind client)
    {
        await using var backend = MisbehavingServer.Start(Misbehavior.BytesAfterBody);
        await fixture.Proxy.ApplyAsync(
            [Route("app", "overrun", host: HygieneFixture.AppHost)],
            [Cluster("overrun", BackendProtocol.Http, (backend.Host, backend.Port))]);

        var bodies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            // A fresh client connection each time: a leftover response could only reach the next client through the
            // proxy's pooled backend connection.
            bodies.Add(await GetAsync(client, $"/overrun/{i}"));
        }

        Assert.Equal(["ok", "ok", "ok"], bodies);
        Assert.Equal(3, backend.AcceptedConnections);
    }

    private async Task<string> GetAsync(ClientKind client, string path)
    {
        if (client == ClientKind.Http1)
        {
            await using var http1 = await RawHttp1Connection.ConnectAsync(fixture.Proxy.Http1Port);
            await http1.SendAsync($"GET {path} HTTP/1.1\r\nHost: {HygieneFixture.AppHost}\r\n\r\n");
            var response = await http1.ReadResponseAsync();
            Assert.NotNull(response);
            Assert.Equal(200, response.Status);
            return response.BodyText;
        }

        var tls = client == ClientKind.H2Tls;
        await using var http2 = await RawHttp2Connection.ConnectAsync(tls ? fixture.Proxy.TlsPort : fixture.Proxy.H2cPort, tls);
        await http2.SendHeadersAsync(1, Http2Case.Get().Select(h => (h.Name, h.Value
            .Replace("{path}", path, StringComparison.Ordinal)
            .Replace("{scheme}", tls ? "https" : "http", StringComparison.Ordinal)
            .Replace("{host}", HygieneFixture.AppHost, StringComparison.Ordinal))), endStream: true);
        var answer = await http2.ReadResponseAsync(1);
        Assert.Equal(200, answer.Status);
        return answer.BodyText;
    }
}
