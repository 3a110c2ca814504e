using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Plexus.Proxy.Listeners;

namespace Plexus.Controller.Hosting;

/// <summary>The bound listener addresses, known once the server has started (ports may be 0 in the configuration).</summary>
public sealed class PlexusEndpoints
{
    private PlexusListeners? _traffic;
    private ListenOptions? _admin;

    public IPEndPoint Http => Traffic.HttpEndPoint;

    public IPEndPoint Https => Traffic.HttpsEndPoint;

    public IPEndPoint Admin => _admin?.IPEndPoint ?? throw new InvalidOperationException("The admin listener is not configured yet.");

    private PlexusListeners Traffic => _traffic ?? throw new InvalidOperationException("The traffic listeners are not configured yet.");

    internal void Configured(PlexusListeners traffic, ListenOptions admin)
    {
        _traffic = traffic;
        _admin = admin;
    }
}
