using Plexus.Proxy.Model;
using Plexus.Testing;

namespace Plexus.Proxy.Tests.Hygiene;

/// <summary>
/// A WebSocket upgrade the backend refuses (403, no 101; to an h2c backend it is an extended CONNECT): the client gets
/// the 403 and no tunnel. The request the client pipelined behind the upgrade is parsed by Plexus as a request of
/// its own and forwarded like any other (X-Forwarded-For set), never relayed as raw bytes.
/// </summary>
public sealed class WebSocketUpgradeTests(HygieneFixture fixture) : IClassFixture<HygieneFixture>
{
    [Theory]
    [InlineData(BackendProtocol.Http)]
    [InlineData(BackendProtocol.H2c)]
    public async Task A_refused_upgrade_opens_no_tunnel(BackendProtocol backendProtocol)
    {
        await fixture.RouteToAsync(backendProtocol);
        var app = fixture.App(backendProtocol);
        var path = $"/status/403/{Guid.NewGuid():N}";
        var pipelined = $"/ws-pipelined/{Guid.NewGuid():N}";
        var before = app.Requests.Count;

        await using var client = await RawHttp1Connection.ConnectAsync(fixture.Proxy.Http1Port);
        await client.SendAsync(
            $"GET {path} HTTP/1.1\r\nHost: {HygieneFixture.AppHost}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" +
            $"GET {pipelined} HTTP/1.1\r\nHost: {HygieneFixture.AppHost}\r\n\r\n");

        var refused = await client.ReadResponseAsync();
        var next = await client.ReadResponseAsync();

        Assert.NotNull(refused);
        Assert.Equal(403, refused.Status);
        Assert.Empty(refused.HeaderValues("Upgrade"));
        Assert.NotNull(next);
        Assert.Equal(200, next.Status);
        var upgrade = Assert.Single(app.RequestsFor(path));
        Assert.Equal(backendProtocol == BackendProtocol.H2c ? "CONNECT" : "GET", upgrade.Method);
        var forwarded = Assert.Single(app.RequestsFor(pipelined));
        Assert.Equal(backendProtocol == BackendProtocol.H2c ? "HTTP/2" : "HTTP/1.1", forwarded.Protocol);
        Assert.Equal("127.0.0.1", forwarded.XForwardedFor);
        Assert.Equal(before + 2, app.Requests.Count);
    }
}
