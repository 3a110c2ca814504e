using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Listeners;

/// <summary>
/// Picks the certificate for a TLS handshake by SNI name: exact host (case-insensitive), then a one-label wildcard
/// ("*.example.com" covers "a.example.com", not "a.b.example.com" nor "example.com"), else the default certificate.
/// </summary>
/// <remarks>
/// <see cref="Update"/> swaps the whole table atomically; handshakes already past selection and open connections
/// are unaffected. The table does not own the certificates (it never disposes them); keep a certificate alive while
/// any table built from it may still serve it.
/// </remarks>
public sealed class CertificateTable
{
    private readonly List<SslApplicationProtocol> _alpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];
    private readonly CipherSuitesPolicy? _cipherSuites = ServerTlsPolicy.CreateCipherSuitesPolicy();
    private readonly CertificateEntry _default;
    private volatile HostIndex _index = HostIndex.Empty;

    /// <param name="defaultCertificate">
    /// Served when nothing matches (e.g. <see cref="SelfSignedCertificate.Create()"/> or a configured one).
    /// Must have its private key.
    /// </param>
    public CertificateTable(X509Certificate2 defaultCertificate)
    {
        ArgumentNullException.ThrowIfNull(defaultCertificate);
        if (CertificateEntry.TryCreate(new HostCertificate([], defaultCertificate, "default"), _alpn, _cipherSuites, out var entry, out var problem))
        {
            _default = entry;
        }
        else
        {
            throw new ArgumentException(problem, nameof(defaultCertificate));
        }
    }

    /// <summary>The certificate served when no host matches: the snapshot's default certificate, else the one given at construction.</summary>
    public X509Certificate2 DefaultCertificate => (_index.Default ?? _default).Certificate;

    /// <summary>Number of distinct host names (exact and wildcard) currently served.</summary>
    public int HostCount => _index.HostCount;

    /// <summary>
    /// Replaces all host certificates at once. Earlier entries win when two name the same host. A certificate that
    /// cannot be served (no private key, unusable key) is left out and its hosts get the default certificate.
    /// </summary>
    /// <returns>One message per certificate left out, naming its <see cref="HostCertificate.Source"/>; empty when all are served.</returns>
    /// <param name="certificates">Certificates by host.</param>
    /// <param name="defaultCertificate">Replaces the construction-time default while set (e.g. <c>--default-ssl-certificate</c>); null restores it.</param>
    public ImmutableArray<string> Update(ImmutableArray<HostCertificate> certificates, HostCertificate? defaultCertificate = null)
    {
        var previous = _index;
        var index = HostIndex.Build(certificates, previous, _alpn, _cipherSuites, out var problems);
        if (defaultCertificate is not null)
        {
            var entry = HostIndex.Reuse(previous, defaultCertificate);
            if (entry is not null || CertificateEntry.TryCreate(defaultCertificate, _alpn, _cipherSuites, out entry, out var problem))
            {
                index = index.WithDefault(entry);
            }
            else
            {
                problems = problems.Add(problem);
            }
        }

        _index = index;
        return problems;
    }

    /// <summary>The certificate a handshake with this SNI name gets.</summary>
    public X509Certificate2 Select(string? serverName) => Find(serverName).Certificate;

    /// <summary>Where the selected certificate came from ("default" or <see cref="HostCertificate.Source"/>).</summary>
    public string SelectSource(string? serverName) => Find(serverName).Source;

    /// <summary>The server options for a handshake with this SNI name; cached per certificate, never mutate them.</summary>
    internal SslServerAuthenticationOptions SelectAuthenticationOptions(string? serverName) => Find(serverName).Options;

    private CertificateEntry Find(string? serverName)
    {
        var index = _index;
        var fallback = index.Default ?? _default;
        if (string.IsNullOrEmpty(serverName))
        {
            return fallback;
        }

        var name = serverName.AsSpan();
        if (name[^1] == '.')
        {
            name = name[..^1]; // absolute form "host.example." names the same host
        }

        if (index.Exact.TryGetValue(name, out var exact))
        {
            return exact;
        }

        var dot = name.IndexOf('.');
        if (dot > 0 && index.Wildcard.TryGetValue(name[(dot + 1)..], out var wildcard))
        {
            return wildcard;
        }

        return fallback;
    }

    private sealed class HostIndex
    {
        private HostIndex(
            Dictionary<string, CertificateEntry> exact,
            Dictionary<string, CertificateEntry> wildcard,
            Dictionary<X509Certificate2, CertificateEntry> byCertificate)
        {
            Exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
            Wildcard = wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
            ByCertificate = byCertificate;
            HostCount = exact.Count + wildcard.Count;
        }

        public Dictionary<string, CertificateEntry>.AlternateLookup<ReadOnlySpan<char>> Exact { get; }

        // Keyed by the part after "*.": "example.com" for "*.example.com".
        public Dictionary<string, CertificateEntry>.AlternateLookup<ReadOnlySpan<char>> Wildcard { get; }

        public Dictionary<X509Certificate2, CertificateEntry> ByCertificate { get; }

        public int HostCount { get; }

        /// <summary>The snapshot's default certificate, when it names one.</summary>
        public CertificateEntry? Default { get; private init; }

        public HostIndex WithDefault(CertificateEntry entry)
        {
            var index = new HostIndex(Exact.Dictionary, Wildcard.Dictionary, new Dictionary<X509Certificate2, CertificateEntry>(ByCertificate, ReferenceEqualityComparer.Instance)) { Default = entry };
            index.ByCertificate.TryAdd(entry.Certificate, entry);
            return index;
        }

        public static HostIndex Empty { get; } = new([], [], new(ReferenceEqualityComparer.Instance));

        public static HostIndex Build(
            ImmutableArray<HostCertificate> certificates,
            HostIndex previous,
            List<SslApplicationProtocol> alpn,
            CipherSuitesPolicy? cipherSuites,
            out ImmutableArray<string> problems)
        {
            problems = [];
            var exact = new Dictionary<string, CertificateEntry>(StringComparer.OrdinalIgnoreCase);
            var wildcard = new Dictionary<string, CertificateEntry>(StringComparer.OrdinalIgnoreCase);
            var byCertificate = new Dictionary<X509Certificate2, CertificateEntry>(ReferenceEqualityComparer.Instance);
            if (certificates.IsDefaultOrEmpty)
            {
                return Empty;
            }

            var rejected = ImmutableArray.CreateBuilder<string>();
            foreach (var hostCertificate in certificates)
            {
                ArgumentNullException.ThrowIfNull(hostCertificate);
                var entry = Reuse(previous, hostCertificate);
                if (entry is null && !CertificateEntry.TryCreate(hostCertificate, alpn, cipherSuites, out entry, out var problem))
                {
                    rejected.Add(problem);
                    continue;
                }

                byCertificate.TryAdd(entry.Certificate, entry);
                foreach (var host in hostCertificate.Hosts.IsDefault ? [] : hostCertificate.Hosts)
                {
                    var normalized = host.Trim().TrimEnd('.');
                    if (normalized.StartsWith("*.", StringComparison.Ordinal))
                    {
                        var suffix = normalized[2..];
                        if (suffix.Length > 0 && !suffix.Contains('*', StringComparison.Ordinal))
                        {
                            wildcard.TryAdd(suffix, entry);
                        }
                    }
                    else if (normalized.Length > 0 && !normalized.Contains('*', StringComparison.Ordinal))
                    {
                        exact.TryAdd(normalized, entry);
                    }
                }
            }

            problems = rejected.ToImmutable();
            return new HostIndex(exact, wildcard, byCertificate);
        }

        // Building a certificate context builds its chain; keep the one we have when the same object comes back.
        public static CertificateEntry? Reuse(HostIndex previous, HostCertificate hostCertificate)
        {
            if (!previous.ByCertificate.TryGetValue(hostCertificate.Certificate, out var entry) || !entry.SameChain(hostCertificate.Chain))
            {
                return null;
            }

            return entry.Source == hostCertificate.Source ? entry : entry.WithSource(hostCertificate.Source);
        }
    }

    private sealed class CertificateEntry
    {
        private CertificateEntry(X509Certificate2 certificate, ImmutableArray<X509Certificate2> chain, string source, SslServerAuthenticationOptions options)
        {
            Certificate = certificate;
            Chain = chain;
            Source = source;
            Options = options;
        }

        public X509Certificate2 Certificate { get; }

        public ImmutableArray<X509Certificate2> Chain { get; }

        public string Source { get; }

        public SslServerAuthenticationOptions Options { get; }

        public CertificateEntry WithSource(string source) => new(Certificate, Chain, source, Options);

        public bool SameChain(ImmutableArray<X509Certificate2> chain) => HostCertificate.SameItems(chain, Chain, ReferenceEquals);

        public static bool TryCreate(
            HostCertificate hostCertificate,
            List<SslApplicationProtocol> alpn,
            CipherSuitesPolicy? cipherSuites,
            [NotNullWhen(true)] out CertificateEntry? entry,
            [NotNullWhen(false)] out string? problem)
        {
            entry = null;
            var source = hostCertificate.Source;
            var certificate = hostCertificate.Certificate;
            if (certificate is null)
            {
                problem = $"{source}: no certificate";
                return false;
            }

            if (!certificate.HasPrivateKey)
            {
                problem = $"{source}: certificate {certificate.Subject} has no private key";
                return false;
            }

            var chain = hostCertificate.Chain.IsDefault ? [] : hostCertificate.Chain;
            SslStreamCertificateContext context;
            try
            {
                // The chain sent is the one the Secret gave (the platform orders it from the leaf and drops what is not
                // on the leaf's path); offline: never fetch missing intermediates over the network while applying a snapshot.
                context = SslStreamCertificateContext.Create(certificate, chain.Length == 0 ? null : [.. chain], offline: true);
            }
            catch (CryptographicException ex)
            {
                problem = $"{source}: certificate {certificate.Subject} cannot be served: {ex.Message}";
                return false;
            }

            var options = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = context,
                ApplicationProtocols = alpn,
                EnabledSslProtocols = ServerTlsPolicy.Protocols,
                CipherSuitesPolicy = cipherSuites,
                ClientCertificateRequired = false,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            };
            entry = new CertificateEntry(certificate, chain, source, options);
            problem = null;
            return true;
        }
    }
}
