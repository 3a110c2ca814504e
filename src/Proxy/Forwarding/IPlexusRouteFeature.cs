using Plexus.Proxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>What Plexus matched for the current request; set before forwarding, read by metrics, logs and errors.</summary>
public interface IPlexusRouteFeature
{
    /// <summary>The matched route; null when the request went to the default backend.</summary>
    ProxyRoute? Route { get; }

    /// <summary>The target cluster.</summary>
    ProxyCluster Cluster { get; }

    /// <summary>The protocol spoken on the wire (the declared one, with <c>auto</c> resolved).</summary>
    BackendProtocol EffectiveProtocol { get; }
}
