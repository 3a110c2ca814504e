using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plexus.Testing;

/// <summary>Creates certificates for tests: a CA (valid a week), leaves it signs and self-signed ones (a day). ECDSA P-256.</summary>
public static class TestCertificates
{
    /// <summary>A CA certificate with its private key.</summary>
    public static X509Certificate2 CreateCa(string commonName = "Plexus Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        // Outlives any leaf it signs (a leaf may not end after its issuer).
        using var certificate = request.CreateSelfSigned(NotBefore, NotAfter.AddDays(6));
        return Reload(certificate);
    }

    /// <summary>An intermediate CA certificate with its private key, signed by <paramref name="issuer"/> (valid as long as the issuer).</summary>
    public static X509Certificate2 CreateIntermediate(X509Certificate2 issuer, string commonName = "Plexus Test Intermediate CA")
    {
        ArgumentNullException.ThrowIfNull(issuer);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var unsigned = request.Create(issuer, NotBefore, new DateTimeOffset(issuer.NotAfter), Serial());
        using var withKey = unsigned.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>A server certificate signed by <paramref name="issuer"/>, for the given names plus 127.0.0.1 and ::1.</summary>
    public static X509Certificate2 CreateLeaf(X509Certificate2 issuer, params string[] dnsNames)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = LeafRequest(key, dnsNames);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = Serial();
        var notAfter = NotAfter < issuer.NotAfter ? NotAfter : new DateTimeOffset(issuer.NotAfter);
        using var unsigned = request.Create(issuer, NotBefore, notAfter, serial);
        using var withKey = unsigned.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>A self-signed server certificate for the given names plus 127.0.0.1 and ::1.</summary>
    public static X509Certificate2 CreateSelfSigned(params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = LeafRequest(key, dnsNames).CreateSelfSigned(NotBefore, NotAfter);
        return Reload(certificate);
    }

    /// <summary>The PEM text of a certificate (no key), e.g. for a CA bundle.</summary>
    public static string ToPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem();
    }

    /// <summary>The PEM text of a private key, as a Secret's tls.key holds it.</summary>
    public static string KeyToPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("The certificate has no private key.", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        return serial;
    }

    private static DateTimeOffset NotBefore => DateTimeOffset.UtcNow.AddMinutes(-5);

    private static DateTimeOffset NotAfter => DateTimeOffset.UtcNow.AddDays(1);

    private static CertificateRequest LeafRequest(ECDsa key, string[] dnsNames)
    {
        var names = dnsNames.Length == 0 ? ["localhost"] : dnsNames;
        var request = new CertificateRequest($"CN={names[0]}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request;
    }

    // A PKCS#12 round trip gives a certificate whose key every TLS stack accepts.
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
}
