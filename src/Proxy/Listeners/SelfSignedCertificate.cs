using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plexus.Proxy.Listeners;

/// <summary>The certificate the TLS port serves when no configured certificate matches the SNI name.</summary>
public static class SelfSignedCertificate
{
    public const string DefaultSubjectName = "Plexus Default Certificate";

    /// <summary>Creates a self-signed ECDSA P-256 server certificate valid for a year from now.</summary>
    public static X509Certificate2 Create() => Create(TimeProvider.System);

    /// <summary>Creates a self-signed ECDSA P-256 server certificate valid for a year from the provider's now.</summary>
    public static X509Certificate2 Create(TimeProvider timeProvider, string commonName = DefaultSubjectName)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));

        // Backdated a little so a client with a slightly slow clock does not reject it as not yet valid.
        var now = timeProvider.GetUtcNow();
        using var ephemeral = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));

        // Round-trip through PKCS#12 so the private key is a persisted one on every platform, not an ephemeral
        // key object that some TLS stacks (SChannel) refuse.
        var pfx = ephemeral.Export(X509ContentType.Pkcs12);
        try
        {
            return X509CertificateLoader.LoadPkcs12(pfx, password: null, X509KeyStorageFlags.Exportable);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pfx);
        }
    }
}
