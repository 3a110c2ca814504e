namespace Plexus.Proxy.Probing;

/// <summary>Timeouts and TLS policy of one <see cref="ProtocolProber"/> probe.</summary>
public sealed class ProbeOptions
{
    /// <summary>Configuration section ("Plexus:Probe").</summary>
    public const string SectionName = "Plexus:Probe";

    /// <summary>How long the TCP connect may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the endpoint may take to answer (TLS handshake included), counted after the connect.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Verify the certificate of TLS endpoints. Off by default, like the data plane: pod certificates rarely chain to a
    /// public CA, and the probe asks which protocol the port speaks, not whom to trust.
    /// </summary>
    public bool VerifyCertificate { get; set; }
}
