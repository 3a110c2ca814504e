namespace Plexus.Proxy.Model;

/// <summary>How Plexus treats the certificate of a TLS backend (protocols h2 and https).</summary>
/// <param name="VerifyCertificate">Verify the backend certificate. Off by default: pod certificates rarely chain to a public CA.</param>
/// <param name="CaBundlePem">PEM CA certificates to trust when verifying; null means the system store.</param>
/// <param name="ServerName">SNI and name to verify; null means the endpoint host.</param>
public sealed record BackendTls(bool VerifyCertificate = false, string? CaBundlePem = null, string? ServerName = null)
{
    public static BackendTls Default { get; } = new();
}
