using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Plexus.Proxy.Listeners;

/// <summary>The two traffic endpoints configured by <see cref="PlexusKestrelExtensions.ListenPlexusTraffic"/>.</summary>
/// <remarks>
/// Kestrel writes the bound address back into each <see cref="ListenOptions"/> when it binds, so after the server
/// has started the end points carry the real ports even when port 0 was asked for. (The same addresses also appear
/// as URLs in <c>IServer.Features.Get&lt;IServerAddressesFeature&gt;().Addresses</c>.)
/// </remarks>
public sealed class PlexusListeners
{
    private readonly ListenOptions _http;
    private readonly ListenOptions _https;

    internal PlexusListeners(ListenOptions http, ListenOptions https)
    {
        _http = http;
        _https = https;
    }

    /// <summary>The plain (HTTP/1.1 + h2c) end point; its port is the bound one once the server has started.</summary>
    public IPEndPoint HttpEndPoint => _http.IPEndPoint ?? throw new InvalidOperationException("The plain listener is not an IP end point.");

    /// <summary>The TLS end point; its port is the bound one once the server has started.</summary>
    public IPEndPoint HttpsEndPoint => _https.IPEndPoint ?? throw new InvalidOperationException("The TLS listener is not an IP end point.");
}
