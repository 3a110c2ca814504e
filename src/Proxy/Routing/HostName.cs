namespace Plexus.Proxy.Routing;

/// <summary>Host header helpers shared by routing and certificate selection.</summary>
public static class HostName
{
    /// <summary>Strips an optional ":port" (and the brackets of an IPv6 literal) and a trailing root dot.</summary>
    public static ReadOnlySpan<char> WithoutPort(ReadOnlySpan<char> host)
    {
        if (host.Length > 0 && host[0] == '[')
        {
            var close = host.IndexOf(']');
            return close > 0 ? host[1..close] : host;
        }

        var colon = host.LastIndexOf(':');
        if (colon >= 0)
        {
            host = host[..colon];
        }

        return host.TrimEnd('.');
    }
}
