using System.Net;

namespace Plexus.Proxy.Listeners;

/// <summary>Where and how the proxy accepts client traffic.</summary>
/// <remarks>
/// <see cref="BindAddress"/> is an <see cref="IPAddress"/>; configuration binding cannot produce one from a string,
/// so the host parses flags/configuration and sets it. Use <see cref="IPAddress.IPv6Any"/> for dual-stack.
/// </remarks>
public sealed class PlexusListenerOptions
{
    public const int DefaultHttpPort = 8080;
    public const int DefaultHttpsPort = 8443;

    /// <summary>Plain port: HTTP/1.1 and h2c prior knowledge. 0 binds an ephemeral port.</summary>
    public int HttpPort { get; set; } = DefaultHttpPort;

    /// <summary>TLS port: ALPN h2 and http/1.1, certificate by SNI. 0 binds an ephemeral port.</summary>
    public int HttpsPort { get; set; } = DefaultHttpsPort;

    public IPAddress BindAddress { get; set; } = IPAddress.Any;

    /// <summary>
    /// How long the plain port waits for the first bytes that tell HTTP/1.1 from the h2c preface.
    /// Kestrel's own timeouts only start once the protocol is chosen, so this one guards the gap.
    /// </summary>
    public TimeSpan ProtocolDetectionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Maximum time to receive request headers (Kestrel <c>Limits.RequestHeadersTimeout</c>, server-wide).</summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Maximum time for the TLS handshake on the TLS port.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Concurrent HTTP/2 streams per client connection (Kestrel <c>Limits.Http2.MaxStreamsPerConnection</c>, server-wide).</summary>
    public int Http2MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>Largest single HTTP/2 request header field, name or value, compressed or not (Kestrel <c>Limits.Http2.MaxRequestHeaderFieldSize</c>, server-wide).</summary>
    public int Http2MaxRequestHeaderFieldSize { get; set; } = 16 * 1024;

    /// <summary>Throws when a value cannot work, naming the option.</summary>
    public void Validate()
    {
        ValidatePort(HttpPort, nameof(HttpPort));
        ValidatePort(HttpsPort, nameof(HttpsPort));
        ArgumentNullException.ThrowIfNull(BindAddress, nameof(BindAddress));
        if (HttpPort != 0 && HttpPort == HttpsPort)
        {
            throw new ArgumentException($"{nameof(HttpPort)} and {nameof(HttpsPort)} must differ (both are {HttpPort}).");
        }

        ValidatePositive(ProtocolDetectionTimeout, nameof(ProtocolDetectionTimeout));
        ValidatePositive(RequestHeadersTimeout, nameof(RequestHeadersTimeout));
        ValidatePositive(TlsHandshakeTimeout, nameof(TlsHandshakeTimeout));
        if (Http2MaxStreamsPerConnection < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Http2MaxStreamsPerConnection), Http2MaxStreamsPerConnection, "Must be at least 1.");
        }

        if (Http2MaxRequestHeaderFieldSize < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(Http2MaxRequestHeaderFieldSize), Http2MaxRequestHeaderFieldSize, "Must be at least 4096.");
        }
    }

    private static void ValidatePort(int port, string name)
    {
        if (port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(name, port, "Must be 0 (ephemeral) or a TCP port number.");
        }
    }

    private static void ValidatePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
        }
    }
}
