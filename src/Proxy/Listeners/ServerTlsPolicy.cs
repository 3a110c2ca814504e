using System.Net.Security;
using System.Security.Authentication;

namespace Plexus.Proxy.Listeners;

/// <summary>
/// The TLS versions and cipher suites the TLS port accepts: TLS 1.2 and 1.3 only, forward-secret AEAD suites only
/// (Mozilla's "intermediate" profile without the finite-field DHE suites, as Envoy and Go servers do).
/// </summary>
/// <remarks>
/// Stated here rather than left to the platform: what OpenSSL allows by default differs between distributions
/// (Debian's configuration refuses TLS 1.1, others accept it, and CBC suites are on everywhere).
/// </remarks>
public static class ServerTlsPolicy
{
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>TLS 1.3 suites first, then TLS 1.2 ECDHE suites with AES-GCM or ChaCha20-Poly1305.</summary>
    public static IReadOnlyList<TlsCipherSuite> CipherSuites { get; } =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    /// <summary>The suites as a policy for <see cref="SslServerAuthenticationOptions.CipherSuitesPolicy"/>; null where the platform cannot restrict them (Windows: its own system policy applies).</summary>
    public static CipherSuitesPolicy? CreateCipherSuitesPolicy() =>
        OperatingSystem.IsWindows() ? null : new CipherSuitesPolicy(CipherSuites);
}
