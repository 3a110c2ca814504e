namespace Plexus.Proxy.Hosting;

/// <summary>Settings of the Plexus data plane (bound from configuration section "Proxy" by the host).</summary>
public sealed class PlexusProxyOptions
{
    /// <summary>Backend inactivity timeout when neither the route nor the cluster sets one.</summary>
    public TimeSpan DefaultRequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long establishing a backend connection (TCP and TLS) may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle pooled backend connection is kept.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How long applying a snapshot may wait for YARP to take the new clusters.</summary>
    public TimeSpan ApplyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
