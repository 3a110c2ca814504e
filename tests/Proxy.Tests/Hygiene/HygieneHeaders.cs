using Plexus.Testing;

namespace Plexus.Proxy.Tests.Hygiene;

/// <summary>Forwarding headers a client may try to spoof, and what the backend must see instead.</summary>
public static class HygieneHeaders
{
    /// <summary>As HTTP/1.1 header lines, each ending in CRLF.</summary>
    public static string SpoofedForwardingHeaders { get; } = string.Concat(Spoofed.Select(h => $"{h.Name}: {h.Value}\r\n"));

    /// <summary>As HTTP/2 fields (lower-case names).</summary>
    public static IEnumerable<(string Name, string Value)> Spoofed =>
    [
        ("x-forwarded-for", "203.0.113.7"),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-host", "evil.test"),
        ("x-forwarded-prefix", "/admin"),
        ("x-forwarded-port", "443"),
        ("forwarded", "for=203.0.113.7;proto=https;host=evil.test"),
        ("x-real-ip", "203.0.113.7"),
    ];

    /// <summary>X-Forwarded-* come from the client connection; the others the client sent are gone.</summary>
    public static void AssertForwardingFromTransport(SeenRequest seen, string scheme)
    {
        Assert.Equal("127.0.0.1", seen.XForwardedFor);
        Assert.Equal(scheme, seen.XForwardedProto);
        Assert.Equal(HygieneFixture.AppHost, seen.XForwardedHost);
        foreach (var removed in new[] { "Forwarded", "X-Real-IP", "X-Forwarded-Prefix", "X-Forwarded-Port" })
        {
            Assert.False(seen.Headers.ContainsKey(removed), removed);
        }
    }
}
