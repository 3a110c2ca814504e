using System.Collections.Immutable;

namespace Plexus.Proxy.Model;

/// <summary>Everything the proxy needs, built by the control plane and applied whole.</summary>
/// <param name="Version">Monotonic build number, for logs and the admin API.</param>
/// <param name="Routes">Host + path rules.</param>
/// <param name="Clusters">Backends referenced by routes (and the default backend).</param>
/// <param name="Certificates">TLS certificates by SNI host.</param>
/// <param name="Diagnostics">What was wrong with the input.</param>
public sealed record ProxySnapshot(
    long Version,
    ImmutableArray<ProxyRoute> Routes,
    ImmutableArray<ProxyCluster> Clusters,
    ImmutableArray<HostCertificate> Certificates,
    ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The cluster that takes requests no route matches; null means 404 from the proxy.</summary>
    public string? DefaultClusterId { get; init; }

    /// <summary>The certificate served when no host matches; null means the proxy's self-generated one.</summary>
    public HostCertificate? DefaultCertificate { get; init; }

    public static ProxySnapshot Empty { get; } = new(0, [], [], [], []);
}
