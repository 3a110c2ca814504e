using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Plexus.Controller.Translation;

/// <summary>Parses a PEM certificate chain and private key (a kubernetes.io/tls Secret's tls.crt and tls.key).</summary>
/// <remarks>
/// tls.crt holds the leaf first, then its issuers, as cert-manager and every public CA issue it. The leaf must come
/// first: a bundle whose key matches a later certificate is refused, since another server may read the same Secret.
/// The certificates after the leaf are put in issuer order (leaf's issuer first) and those that are not on the leaf's
/// path are left out; either is served, with <see cref="ParsedCertificate.ChainProblem"/> saying so.
/// </remarks>
public static class CertificateParser
{
    public static ParsedCertificate Parse(byte[] certificatePem, byte[] keyPem)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        ArgumentNullException.ThrowIfNull(keyPem);
        var crt = Encoding.UTF8.GetString(certificatePem);
        var key = Encoding.UTF8.GetString(keyPem);
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPem(crt);
        }
        catch (CryptographicException ex)
        {
            return ParsedCertificate.Invalid($"tls.crt cannot be parsed: {ex.Message}");
        }

        if (bundle.Count == 0)
        {
            return ParsedCertificate.Invalid("tls.crt holds no PEM certificate");
        }

        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(crt, key);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            Dispose(bundle);
            return ParsedCertificate.Invalid(KeyProblem(crt, key, ex));
        }

        if (!leaf.HasPrivateKey)
        {
            leaf.Dispose();
            Dispose(bundle);
            return ParsedCertificate.Invalid("tls.key does not hold the certificate's private key");
        }

        var (chain, problem) = OrderChain(leaf, bundle);
        return new ParsedCertificate(leaf, chain, null, problem);
    }

    // Walks issuer links from the leaf through the bundle, so the served chain is in order whatever order it was given in.
    private static (ImmutableArray<X509Certificate2> Chain, string? Problem) OrderChain(X509Certificate2 leaf, X509Certificate2Collection bundle)
    {
        var rest = new List<X509Certificate2>(bundle.Count - 1);
        for (var i = 1; i < bundle.Count; i++)
        {
            rest.Add(bundle[i]);
        }

        bundle[0].Dispose(); // the leaf was loaded again with its key
        var given = rest.ToArray();
        var chain = ImmutableArray.CreateBuilder<X509Certificate2>(rest.Count);
        var current = leaf;
        while (!IsSelfIssued(current))
        {
            var issuer = rest.FindIndex(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData));
            if (issuer < 0)
            {
                break;
            }

            current = rest[issuer];
            rest.RemoveAt(issuer);
            chain.Add(current);
        }

        string? problem = null;
        if (rest.Count > 0)
        {
            problem = $"tls.crt holds {rest.Count} certificate(s) not on the leaf's issuer path ({string.Join("; ", rest.Select(c => c.Subject))}); they are not sent";
            Dispose(rest);
        }
        else if (!chain.SequenceEqual(given))
        {
            problem = "the certificates after the leaf in tls.crt are not in issuer order; they are sent in issuer order (leaf's issuer first)";
        }

        return (chain.ToImmutable(), problem);
    }

    private static string KeyProblem(string crt, string key, Exception error)
    {
        var bundle = new X509Certificate2Collection();
        try
        {
            bundle.ImportFromPem(crt);
            for (var i = 1; i < bundle.Count; i++)
            {
                if (MatchesKey(bundle[i], key))
                {
                    return $"tls.key belongs to certificate {i + 1} of tls.crt ({bundle[i].Subject}), not the first: tls.crt must start with the leaf certificate, then its issuers";
                }
            }

            return $"tls.key does not match the first certificate of tls.crt ({bundle[0].Subject}) or cannot be parsed: {error.Message}";
        }
        finally
        {
            Dispose(bundle);
        }
    }

    private static bool MatchesKey(X509Certificate2 certificate, string key)
    {
        try
        {
            using var withKey = X509Certificate2.CreateFromPem(certificate.ExportCertificatePem(), key);
            return withKey.HasPrivateKey;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static bool IsSelfIssued(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    private static void Dispose(IEnumerable<X509Certificate2> certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}
