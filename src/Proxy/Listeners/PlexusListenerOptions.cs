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

    // Production defaults, each at least as strict as nginx's and HAProxy's (the comparison is in the README).
    public const int DefaultMaxRequestHeadersTotalSize = 16 * 1024;
    public const int DefaultMaxRequestHeaderCount = 100;
    public const int DefaultMaxRequestLineSize = 8 * 1024;
    public const int DefaultHttp2MaxStreamsPerConnection = 100;
    public static readonly TimeSpan DefaultRequestHeadersTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultKeepAliveTimeout = TimeSpan.FromSeconds(75);

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

    /// <summary>
    /// Time from the first byte of a request (or from the end of the previous one) until its headers are complete
    /// (Kestrel <c>Limits.RequestHeadersTimeout</c>, server-wide, HTTP/1.1 and HTTP/2): the slowloris bound.
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = DefaultRequestHeadersTimeout;

    /// <summary>How long an idle client connection (no request in flight) stays open (Kestrel <c>Limits.KeepAliveTimeout</c>).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = DefaultKeepAliveTimeout;

    /// <summary>Maximum time for the TLS handshake on the TLS port.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Bytes of all request header fields together (Kestrel <c>Limits.MaxRequestHeadersTotalSize</c>): HTTP/1.1 header
    /// lines without the request line, HTTP/2 decoded names and values (advertised as SETTINGS_MAX_HEADER_LIST_SIZE).
    /// Over it: 431 for HTTP/1.1; for HTTP/2 a connection error, however the block is split over CONTINUATION frames.
    /// </summary>
    public int MaxRequestHeadersTotalSize { get; set; } = DefaultMaxRequestHeadersTotalSize;

    /// <summary>Request header fields per request (Kestrel <c>Limits.MaxRequestHeaderCount</c>); over it: 431, or an HTTP/2 connection error.</summary>
    public int MaxRequestHeaderCount { get; set; } = DefaultMaxRequestHeaderCount;

    /// <summary>Bytes of the HTTP/1.1 request line, method + target + version (Kestrel <c>Limits.MaxRequestLineSize</c>); over it: 414.</summary>
    public int MaxRequestLineSize { get; set; } = DefaultMaxRequestLineSize;

    /// <summary>Concurrent HTTP/2 streams per client connection (Kestrel <c>Limits.Http2.MaxStreamsPerConnection</c>, server-wide); more are refused (REFUSED_STREAM).</summary>
    public int Http2MaxStreamsPerConnection { get; set; } = DefaultHttp2MaxStreamsPerConnection;

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
        ValidatePositive(KeepAliveTimeout, nameof(KeepAliveTimeout));
        ValidatePositive(TlsHandshakeTimeout, nameof(TlsHandshakeTimeout));
        ValidateAtLeast(MaxRequestHeadersTotalSize, 1, nameof(MaxRequestHeadersTotalSize));
        ValidateAtLeast(MaxRequestHeaderCount, 1, nameof(MaxRequestHeaderCount));
        ValidateAtLeast(MaxRequestLineSize, 1, nameof(MaxRequestLineSize));
        ValidateAtLeast(Http2MaxStreamsPerConnection, 1, nameof(Http2MaxStreamsPerConnection));

        ValidateAtLeast(Http2MaxRequestHeaderFieldSize, 4096, nameof(Http2MaxRequestHeaderFieldSize));
    }

    private static void ValidateAtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Must be at least {minimum}.");
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
