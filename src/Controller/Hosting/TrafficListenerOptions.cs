using Plexus.Proxy.Listeners;

namespace Plexus.Controller.Hosting;

/// <summary>The traffic listeners' options from the controller's settings: ports and client limits.</summary>
internal static class TrafficListenerOptions
{
    /// <summary>Builds and checks the options; the bind address is left to the caller.</summary>
    /// <exception cref="StartupException">A value cannot work; the message names its flag.</exception>
    public static PlexusListenerOptions From(ControllerOptions options)
    {
        var listeners = new PlexusListenerOptions
        {
            HttpPort = options.HttpPort,
            HttpsPort = options.HttpsPort,
            MaxRequestHeadersTotalSize = Count(options.MaxRequestHeaderBytes, "--max-request-header-bytes", PlexusListenerOptions.DefaultMaxRequestHeadersTotalSize),
            MaxRequestHeaderCount = Count(options.MaxRequestHeaders, "--max-request-headers", PlexusListenerOptions.DefaultMaxRequestHeaderCount),
            MaxRequestLineSize = Count(options.MaxRequestLineBytes, "--max-request-line-bytes", PlexusListenerOptions.DefaultMaxRequestLineSize),
            Http2MaxStreamsPerConnection = Count(options.Http2MaxConcurrentStreams, "--http2-max-concurrent-streams", PlexusListenerOptions.DefaultHttp2MaxStreamsPerConnection),
            RequestHeadersTimeout = DurationFlag.Parse(options.RequestHeadersTimeout, "--request-headers-timeout", PlexusListenerOptions.DefaultRequestHeadersTimeout, positive: true),
            KeepAliveTimeout = DurationFlag.Parse(options.KeepaliveTimeout, "--keepalive-timeout", PlexusListenerOptions.DefaultKeepAliveTimeout, positive: true),
        };
        return listeners;
    }

    // The command line bounds these already; settings from the environment or appsettings do not pass through it.
    private static int Count(int? value, string flag, int fallback) => value switch
    {
        null => fallback,
        < 1 => throw new StartupException($"{flag} must be at least 1, not {value}"),
        _ => value.Value,
    };
}
