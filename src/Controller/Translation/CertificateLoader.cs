using System.Collections.Immutable;
using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Builds the SNI certificate table from the <c>spec.tls</c> entries of our Ingresses, oldest Ingress first.
/// A Secret that is missing, not of type kubernetes.io/tls or unparseable leaves its hosts on the default
/// certificate and becomes a diagnostic on the Ingress. A host claimed by two Secrets keeps the older
/// Ingress's one (TlsHostConflict on the newer Ingress).
/// </summary>
public sealed class CertificateLoader
{
    public const string TlsSecretType = "kubernetes.io/tls";
    public const string OpaqueSecretType = "Opaque";

    private readonly IReadOnlyDictionary<ObjectKey, V1Secret> _secrets;
    private readonly CertificateCache? _cache;
    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, (ObjectKey Secret, ObjectKey Ingress)> _hostOwners = new(StringComparer.Ordinal);
    private readonly Dictionary<ObjectKey, (ParsedCertificate Certificate, SortedSet<string> Hosts)> _bySecret = [];

    public CertificateLoader(IReadOnlyDictionary<ObjectKey, V1Secret> secrets, CertificateCache? cache, DiagnosticBag diagnostics)
    {
        _secrets = secrets;
        _cache = cache;
        _diagnostics = diagnostics;
    }

    /// <summary>Adds the tls entries of one Ingress; call in age order.</summary>
    public void Add(ObjectKey ingress, IList<V1IngressTLS>? tls)
    {
        if (tls is null)
        {
            return;
        }

        foreach (var entry in tls)
        {
            if (string.IsNullOrEmpty(entry.SecretName) || entry.Hosts is not { Count: > 0 })
            {
                // No Secret: the hosts use the default certificate, as the Ingress API allows.
                continue;
            }

            var hosts = new List<string>(entry.Hosts.Count);
            foreach (var raw in entry.Hosts)
            {
                if (HostValidator.TryNormalize(raw ?? string.Empty, out var host, out var error))
                {
                    hosts.Add(host);
                }
                else
                {
                    _diagnostics.Add(DiagnosticSeverity.Warning, Subjects.Ingress(ingress), DiagnosticReasons.InvalidHost,
                        $"TLS host \"{raw}\" (secret \"{entry.SecretName}\") is invalid: {error}; it is ignored.");
                }
            }

            if (hosts.Count == 0)
            {
                continue;
            }

            var secretKey = new ObjectKey(ingress.Namespace, entry.SecretName);
            var certificate = Load(ingress, secretKey, hosts);
            if (certificate is null)
            {
                continue;
            }

            foreach (var host in hosts)
            {
                if (_hostOwners.TryGetValue(host, out var owner))
                {
                    if (owner.Secret != secretKey)
                    {
                        _diagnostics.Add(DiagnosticSeverity.Warning, Subjects.Ingress(ingress), DiagnosticReasons.TlsHostConflict,
                            $"TLS host \"{host}\" already gets the certificate of secret {owner.Secret} from the older Ingress {owner.Ingress}; secret {secretKey} is not used for it.");
                    }

                    continue;
                }

                _hostOwners.Add(host, (secretKey, ingress));
                if (!_bySecret.TryGetValue(secretKey, out var group))
                {
                    group = (certificate, new SortedSet<string>(StringComparer.Ordinal));
                    _bySecret.Add(secretKey, group);
                }

                group.Hosts.Add(host);
            }
        }
    }

    /// <summary>One <see cref="HostCertificate"/> per Secret in use, ordered by source.</summary>
    public ImmutableArray<HostCertificate> ToArray() =>
        [.. _bySecret
            .Select(e => new HostCertificate([.. e.Value.Hosts], e.Value.Certificate.Certificate!, $"secret/{e.Key.Namespace}/{e.Key.Name}") { Chain = e.Value.Certificate.Chain })
            .OrderBy(c => c.Source, StringComparer.Ordinal)];

    /// <summary>
    /// The default certificate from <c>--default-ssl-certificate</c>: served when no host matches. A problem with
    /// the Secret becomes a diagnostic on the Secret and the self-signed default keeps being served.
    /// </summary>
    public HostCertificate? LoadDefault(ObjectKey secretKey)
    {
        var certificate = Load(Subjects.Secret(secretKey.Namespace, secretKey.Name), secretKey,
            "the self-signed default certificate is served instead (--default-ssl-certificate)");
        return certificate is null ? null : new HostCertificate([], certificate.Certificate!, $"secret/{secretKey.Namespace}/{secretKey.Name}") { Chain = certificate.Chain };
    }

    private ParsedCertificate? Load(ObjectKey ingress, ObjectKey secretKey, List<string> hosts) =>
        Load(Subjects.Ingress(ingress), secretKey, $"{string.Join(", ", hosts)} use the default certificate");

    private ParsedCertificate? Load(ObjectRef subject, ObjectKey secretKey, string consequence)
    {
        if (!_secrets.TryGetValue(secretKey, out var secret))
        {
            _diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.TlsSecretNotFound,
                $"TLS secret \"{secretKey.Name}\" does not exist in namespace \"{secretKey.Namespace}\"; {consequence} until it is created.");
            return null;
        }

        var crt = SecretProjection.ReadEntry(secret, SecretProjection.CertificateKey);
        var key = SecretProjection.ReadEntry(secret, SecretProjection.PrivateKeyKey);
        var isTls = string.Equals(secret.Type, TlsSecretType, StringComparison.Ordinal);

        // Opaque Secrets holding a key pair are accepted, as Contour does: users create them with kubectl create secret generic.
        if (!isTls && !(string.Equals(secret.Type, OpaqueSecretType, StringComparison.Ordinal) && crt is not null && key is not null))
        {
            var what = string.Equals(secret.Type, OpaqueSecretType, StringComparison.Ordinal)
                ? $"has type \"{OpaqueSecretType}\" and no {(crt is null ? SecretProjection.CertificateKey : SecretProjection.PrivateKeyKey)} entry"
                : $"has type \"{secret.Type}\", not \"{TlsSecretType}\"";
            _diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.TlsSecretInvalid,
                $"Secret {secretKey} {what}; {consequence}. Recreate it with kubectl create secret tls.");
            return null;
        }

        if (crt is null || key is null)
        {
            _diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.TlsSecretInvalid,
                $"Secret {secretKey} lacks {(crt is null ? SecretProjection.CertificateKey : SecretProjection.PrivateKeyKey)}; {consequence}.");
            return null;
        }

        var parsed = _cache?.GetOrParse(crt, key) ?? CertificateParser.Parse(crt, key);
        if (parsed.Certificate is null)
        {
            _diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.TlsSecretInvalid,
                $"Secret {secretKey}: {parsed.Error}; {consequence}. tls.crt must hold PEM certificates, leaf first, and tls.key its PEM private key.");
            return null;
        }

        if (parsed.ChainProblem is not null)
        {
            _diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.TlsChainCorrected,
                $"Secret {secretKey}: {parsed.ChainProblem}. Put the leaf first, then each issuer, in tls.crt.");
        }

        return parsed;
    }
}
