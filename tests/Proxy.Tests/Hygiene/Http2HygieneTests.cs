using Plexus.Proxy.Model;
using Plexus.Proxy.Tests.Forwarding;
using Plexus.Testing;
using static Plexus.Proxy.Tests.Hygiene.Http2Case;

namespace Plexus.Proxy.Tests.Hygiene;

/// <summary>
/// Raw HTTP/2 streams from h2c (plain port, prior knowledge) and h2 (TLS port) clients, forwarded to HTTP/1.1 and h2c
/// backends: what the client gets back and exactly what the backend receives.
/// </summary>
public sealed class Http2HygieneTests(HygieneFixture fixture) : IClassFixture<HygieneFixture>
{
    private const int Refused = -1;

    /// <summary>The corpus; "{path}", "{scheme}" and "{host}" are filled in per run.</summary>
    public static readonly IReadOnlyDictionary<string, Http2Case> Corpus = new Dictionary<string, Http2Case>
    {
        ["valid GET"] = new(Get(), null, 200, 1, 0, (seen, scheme) => HygieneHeaders.AssertForwardingFromTransport(seen, scheme)),
        ["valid POST"] = new(Post(("content-length", "3")), "abc", 200, 1, 3, (seen, _) => Assert.Equal(["3"], seen.Headers["Content-Length"])),

        // Kestrel resets a stream whose DATA disagrees with its content-length (RFC 9113 §8.1.1) before the body is
        // complete: no backend ever gets a body of the other length, nor what it carried as a request.
        ["H2.CL body longer than content-length"] = new(Post(("content-length", "3")), "abcdef", null, Refused),
        ["H2.CL body shorter than content-length"] = new(Post(("content-length", "10")), "abc", null, Refused),
        ["H2.CL content-length 0 with a smuggled request as body"] = new(Post(("content-length", "0")), "GET /smuggled HTTP/1.1\r\nHost: app.test\r\n\r\n", null, Refused),

        // Connection-specific fields. Kestrel refuses "connection" and a "te" other than "trailers" (connection error);
        // it accepts the others, and YARP never forwards them. A transfer-encoding does not frame an HTTP/2 body: the
        // 13 bytes of the "chunked" body arrive as 13 bytes.
        ["connection"] = new(Get(("connection", "close")), null, null, 0),
        ["te other than trailers"] = new(Get(("te", "gzip")), null, null, 0),
        ["te: trailers"] = new(Get(("te", "trailers")), null, 200, 1, 0, (seen, _) => Assert.Equal(["trailers"], seen.Headers["TE"])),
        ["transfer-encoding"] = new(Post(("transfer-encoding", "chunked")), "3\r\nabc\r\n0\r\n\r\n", 200, 1, 13, (seen, _) => Assert.Equal(seen.Protocol == "HTTP/2" ? [] : ["chunked"], seen.Headers.GetValueOrDefault("Transfer-Encoding", []))),
        ["keep-alive"] = new(Get(("keep-alive", "timeout=5")), null, 200, 1, 0, Absent("Keep-Alive")),
        ["proxy-connection"] = new(Get(("proxy-connection", "keep-alive")), null, 200, 1, 0, Absent("Proxy-Connection")),
        ["upgrade"] = new(Get(("upgrade", "websocket")), null, 200, 1, 0, Absent("Upgrade")),

        // Field values with CR, LF or NUL: refused by Kestrel (connection error).
        ["CR in a value"] = new(Get(("x-value", "a\rb")), null, null, 0),
        ["LF in a value"] = new(Get(("x-value", "a\nx-injected: 1")), null, null, 0),
        ["NUL in a value"] = new(Get(("x-value", "a\0b")), null, null, 0),

        // Field names: upper case and empty are refused by Kestrel; a space, a colon or a control character is
        // accepted by Kestrel and dropped when the outgoing request is built (never a valid token): proved here.
        ["upper-case name"] = new(Get(("X-Upper", "1")), null, null, 0),
        ["empty name"] = new(Get(("", "1")), null, null, 0),
        ["space in a name"] = new(Get(("x value", "1")), null, 200, 1, 0, OnlyForwardedNames),
        ["colon in a name"] = new(Get(("x:value", "1")), null, 200, 1, 0, OnlyForwardedNames),
        ["control character in a name"] = new(Get(("x\u0001value", "1")), null, 200, 1, 0, OnlyForwardedNames),

        // Pseudo-header abuse: refused by Kestrel.
        ["duplicate :path"] = new(Get((":path", "/other")), null, null, 0),
        ["missing :path"] = new([(":method", "GET"), (":scheme", "{scheme}"), (":authority", "{host}")], null, null, 0),
        ["pseudo-header after a regular one"] = new([(":method", "GET"), (":scheme", "{scheme}"), ("x-a", "1"), (":authority", "{host}"), (":path", "{path}")], null, null, 0),
        ["unknown pseudo-header"] = new(Get((":foo", "bar")), null, null, 0),
        [":status in a request"] = new(Get((":status", "200")), null, null, 0),
        [":path absolute-form"] = new([(":method", "GET"), (":scheme", "{scheme}"), (":authority", "{host}"), (":path", "http://other.test{path}")], null, null, 0),

        // X-Forwarded-Proto comes from the transport, whatever :scheme says.
        [":scheme https"] = new([(":method", "GET"), (":scheme", "https"), (":authority", "{host}"), (":path", "{path}")], null, 200, 1, 0, (seen, scheme) => Assert.Equal(scheme, seen.XForwardedProto)),
        [":scheme http"] = new([(":method", "GET"), (":scheme", "http"), (":authority", "{host}"), (":path", "{path}")], null, 200, 1, 0, (seen, scheme) => Assert.Equal(scheme, seen.XForwardedProto)),

        // :authority wins over host (Kestrel replaces host with it): routed and forwarded as one and the same.
        [":authority and a different host"] = new(Get(("host", HygieneFixture.OtherHost)), null, 200, 1, 0, (seen, _) => Assert.Equal(HygieneFixture.AppHost, seen.Host)),
        ["host without :authority"] = new([(":method", "GET"), (":scheme", "{scheme}"), (":path", "{path}"), ("host", "{host}")], null, 200, 1, 0, (seen, _) => Assert.Equal(HygieneFixture.AppHost, seen.Host)),

        ["spoofed forwarding headers"] = new(Get([.. HygieneHeaders.Spoofed]), null, 200, 1, 0, (seen, scheme) => HygieneHeaders.AssertForwardingFromTransport(seen, scheme)),
        ["CONNECT"] = new([(":method", "CONNECT"), (":authority", "{host}:443")], null, 405, 0),
    };

    public static TheoryData<string, ClientKind, BackendProtocol> Cases()
    {
        var data = new TheoryData<string, ClientKind, BackendProtocol>();
        foreach (var name in Corpus.Keys)
        {
            foreach (var client in new[] { ClientKind.H2c, ClientKind.H2Tls })
            {
                data.Add(name, client, BackendProtocol.Http);
                data.Add(name, client, BackendProtocol.H2c);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Client_and_backend_see_exactly_the_expected_exchange(string name, ClientKind client, BackendProtocol backendProtocol)
    {
        var @case = Corpus[name];
        await fixture.RouteToAsync(backendProtocol);
        var app = fixture.App(backendProtocol);
        var other = fixture.Other(backendProtocol);
        var path = $"/h2/{Guid.NewGuid():N}";
        var scheme = client == ClientKind.H2Tls ? "https" : "http";
        var headers = @case.Headers
            .Select(h => (h.Name, h.Value.Replace("{path}", path, StringComparison.Ordinal)
                .Replace("{scheme}", scheme, StringComparison.Ordinal)
                .Replace("{host}", HygieneFixture.AppHost, StringComparison.Ordinal)))
            .ToArray();
        var appBefore = app.Requests.Count;
        var otherBefore = other.Requests.Count;

        var port = client == ClientKind.H2Tls ? fixture.Proxy.TlsPort : fixture.Proxy.H2cPort;
        await using var connection = await RawHttp2Connection.ConnectAsync(port, tls: client == ClientKind.H2Tls);
        await connection.SendHeadersAsync(1, headers, endStream: @case.Body is null);
        if (@case.Body is { } body)
        {
            await connection.SendDataAsync(1, System.Text.Encoding.Latin1.GetBytes(body), endStream: true);
        }

        var response = await connection.ReadResponseAsync(1);

        if (@case.Status is { } status)
        {
            Assert.True(status == response.Status, $"expected {status}, got {Describe(response)}");
        }
        else
        {
            Assert.True(response.Refused, $"expected the stream refused, got {Describe(response)}");
        }

        var seen = app.RequestsFor(path);
        if (@case.BackendRequests == Refused)
        {
            // The head may have been forwarded before the body broke its own framing; no byte of that body was.
            Assert.True(seen.Count <= 1);
            Assert.All(seen, s => Assert.Equal(0, s.BodyLength));
        }
        else
        {
            Assert.Equal(@case.BackendRequests, seen.Count);
        }

        if (@case.BackendRequests == 1)
        {
            var request = seen[0];
            Assert.Equal(backendProtocol == BackendProtocol.H2c ? "HTTP/2" : "HTTP/1.1", request.Protocol);
            Assert.Equal(headers.First(h => h.Item1 == ":method").Item2, request.Method);
            Assert.Equal(path, request.Path);
            Assert.Equal(@case.BodyLength, request.BodyLength);
            @case.Backend?.Invoke(request, scheme);
        }

        Assert.Empty(app.RequestsFor("/smuggled"));

        // Nothing but this case's request reached the app. The head of an earlier case's refused stream may still be on
        // its way (it was forwarded before its body broke framing), so other cases' paths are not counted.
        var arrived = app.Requests.Skip(appBefore).Where(r => r.Path == path || !r.Path.StartsWith("/h2/", StringComparison.Ordinal)).ToList();
        var ours = arrived.Count(r => r.Path == path);
        Assert.Equal(ours, arrived.Count);
        Assert.True(@case.BackendRequests == Refused ? ours <= 1 : ours == @case.BackendRequests, $"{ours} requests reached the backend");
        Assert.Equal(otherBefore, other.Requests.Count);
    }

    private static Action<SeenRequest, string> Absent(string header) => (seen, _) => Assert.False(seen.Headers.ContainsKey(header), header);

    /// <summary>The backend got only the fields every forwarded GET has: the client's odd one was dropped.</summary>
    private static void OnlyForwardedNames(SeenRequest seen, string transportScheme)
    {
        Assert.Equal(
            ["Host", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"],
            seen.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase).ToArray(),
            StringComparer.OrdinalIgnoreCase);
        Assert.Equal(transportScheme, seen.XForwardedProto);
    }

    private static string Describe(RawHttp2Response response) =>
        $"status {response.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, reset {response.ResetCode}, goaway {response.GoAwayCode}, closed {response.ConnectionClosed}, body '{response.BodyText}'";
}
