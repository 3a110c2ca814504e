using System.Net;
using System.Net.Sockets;
using System.Text;
using Plexus.Proxy.Listeners;
using Plexus.Testing;

namespace Plexus.Proxy.Tests.Listeners;

public sealed class PlainPortTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>, IAsyncLifetime
{
    private ListenerTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ListenerTestServer.StartAsync(
            new CertificateTable(certificates.Default),
            options => options.ProtocolDetectionTimeout = TimeSpan.FromMilliseconds(500));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Uri PlainUri => new($"http://127.0.0.1:{_server.HttpPort}/");

    [Fact]
    public async Task Http11_and_h2c_clients_are_both_served_on_the_plain_port()
    {
        using var http1 = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var h2c = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        var requests = new List<Task<(HttpResponseMessage Response, string Body)>>();
        for (var i = 0; i < 50; i++)
        {
            requests.Add(SendAsync(http1, PlainUri));
            requests.Add(SendAsync(h2c, PlainUri));
        }

        var results = await Task.WhenAll(requests);

        var h1 = results.Where(r => r.Response.Version == HttpVersion.Version11).ToList();
        var h2 = results.Where(r => r.Response.Version == HttpVersion.Version20).ToList();
        Assert.Equal(50, h1.Count);
        Assert.Equal(50, h2.Count);
        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        Assert.All(h1, r => Assert.StartsWith("HTTP/1.1 http False ", r.Body, StringComparison.Ordinal));
        Assert.All(h2, r => Assert.StartsWith("HTTP/2 http False ", r.Body, StringComparison.Ordinal));

        // h2c multiplexes: far fewer connections than requests.
        Assert.True(h2.Select(r => r.Body.Split(' ')[3]).Distinct().Count() < 50);
    }

    public static TheoryData<string, byte[]> SchemeClaims => new()
    {
        // HPACK: :method GET (static 2), :scheme https (static 7), :path / (static 4).
        { "https", [0x82, 0x87, 0x84] },
        // :scheme as a literal without indexing, indexed name (static 6), value "ftp".
        { "ftp", [0x82, 0x06, 0x03, (byte)'f', (byte)'t', (byte)'p', 0x84] },
    };

    [Theory]
    [MemberData(nameof(SchemeClaims))]
    public async Task Preface_sent_byte_by_byte_is_answered_with_settings_and_a_false_scheme_claim_is_corrected(string claimed, byte[] headerBlock)
    {
        Assert.NotEqual("http", claimed);
        using var socket = await ConnectAsync();
        foreach (var b in Http2Preface.Bytes.ToArray())
        {
            await socket.SendAsync(new[] { b });
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await using var http2 = RawHttp2Connection.Attach(stream);
        await http2.SendFrameAsync(RawHttp2Frame.Settings, 0, 0, ReadOnlyMemory<byte>.Empty); // empty SETTINGS

        var settings = await http2.ReadFrameAsync();
        Assert.Equal(RawHttp2Frame.Settings, settings.Type);
        Assert.Equal(0, settings.Flags & RawHttp2Frame.Ack); // the server's own SETTINGS, not an ACK

        // HEADERS (END_STREAM | END_HEADERS). The client lies about the scheme; the connection is cleartext, so the
        // app must see "http".
        await http2.SendFrameAsync(RawHttp2Frame.Headers, RawHttp2Frame.EndHeaders | RawHttp2Frame.EndStream, 1, headerBlock);

        var response = await http2.ReadResponseAsync(1);
        Assert.Equal(200, response.Status);
        Assert.StartsWith("HTTP/2 http False ", response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http11_request_delivered_in_tiny_pieces_is_served()
    {
        using var socket = await ConnectAsync();
        var request = "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"u8.ToArray();
        for (var i = 0; i < request.Length; i += 3)
        {
            await socket.SendAsync(request.AsMemory(i, Math.Min(3, request.Length - i)));
        }

        var response = await ReadToEndAsync(socket);
        Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 http False ", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http11_request_that_starts_like_the_preface_is_still_http11()
    {
        // "PRI" then a byte that diverges: must not be taken for HTTP/2, and the bytes must reach Kestrel intact.
        using var socket = await ConnectAsync();
        await socket.SendAsync("P"u8.ToArray());
        await socket.SendAsync("OST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());

        var response = await ReadToEndAsync(socket);
        Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 http False ", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clients_that_close_early_do_not_break_the_server()
    {
        using (var closesAtOnce = await ConnectAsync())
        {
            closesAtOnce.Shutdown(SocketShutdown.Both);
        }

        using (var closesMidPreface = await ConnectAsync())
        {
            await closesMidPreface.SendAsync("PRI * HT"u8.ToArray());
            closesMidPreface.Shutdown(SocketShutdown.Send);
            await ReadToEndAsync(closesMidPreface);
        }

        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var (response, body) = await SendAsync(client, PlainUri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("HTTP/2 http False ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_that_sends_nothing_is_disconnected_after_the_detection_timeout()
    {
        using var silent = await ConnectAsync();

        // Bounded wait for the server to close it: ReadToEnd returns only on EOF (or throws on reset).
        var closed = await ReadUntilClosedAsync(silent);

        Assert.True(closed);
    }

    private Task<Socket> ConnectAsync() => RawSocket.ConnectAsync(_server.HttpPort);

    private static async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpClient client, Uri uri)
    {
        var response = await client.GetAsync(uri);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static Task<string> ReadToEndAsync(Socket socket) => RawSocket.ReadToEndAsync(socket);

    private static Task<bool> ReadUntilClosedAsync(Socket socket) => RawSocket.ReadUntilClosedAsync(socket);
}
