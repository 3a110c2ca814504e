namespace Plexus.Proxy.Model;

/// <summary>The protocol Plexus speaks to a backend port.</summary>
public enum BackendProtocol
{
    /// <summary>HTTP/1.1 with keep-alive (the default).</summary>
    Http,

    /// <summary>HTTP/2 cleartext with prior knowledge.</summary>
    H2c,

    /// <summary>TLS where ALPN must select h2.</summary>
    H2,

    /// <summary>TLS, ALPN h2 preferred, http/1.1 accepted.</summary>
    Https,

    /// <summary>Cleartext: h2c where the probe proves it, else HTTP/1.1.</summary>
    Auto,
}

/// <summary>The wire names of <see cref="BackendProtocol"/> used in annotations, JSON and metrics.</summary>
public static class BackendProtocolNames
{
    public static string ToWireName(this BackendProtocol protocol) => protocol switch
    {
        BackendProtocol.Http => "http",
        BackendProtocol.H2c => "h2c",
        BackendProtocol.H2 => "h2",
        BackendProtocol.Https => "https",
        BackendProtocol.Auto => "auto",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
    };

    /// <summary>Parses a declared value; <c>grpc</c> and <c>grpcs</c> are aliases of h2c and h2. Case-insensitive, trimmed.</summary>
    public static bool TryParse(string? value, out BackendProtocol protocol)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "http": protocol = BackendProtocol.Http; return true;
            case "h2c" or "grpc": protocol = BackendProtocol.H2c; return true;
            case "h2" or "grpcs": protocol = BackendProtocol.H2; return true;
            case "https": protocol = BackendProtocol.Https; return true;
            case "auto": protocol = BackendProtocol.Auto; return true;
            default: protocol = default; return false;
        }
    }

    /// <summary>True when the protocol runs over TLS to the backend.</summary>
    public static bool UsesTls(this BackendProtocol protocol) => protocol is BackendProtocol.H2 or BackendProtocol.Https;

    /// <summary>The URI scheme of a backend spoken to with this protocol: "https" or "http".</summary>
    public static string UriScheme(this BackendProtocol protocol) => protocol.UsesTls() ? "https" : "http";
}
