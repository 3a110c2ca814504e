using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace Plexus.Proxy.Model;

/// <summary>A TLS certificate (with private key) served for the listed SNI hosts.</summary>
/// <param name="Hosts">Exact hosts or one-label wildcards ("*.example.com"), lower case.</param>
/// <param name="Certificate">The certificate with its private key.</param>
/// <param name="Source">Where it came from (e.g. "secret/ns/name"), for diagnostics and the admin API.</param>
public sealed record HostCertificate(ImmutableArray<string> Hosts, X509Certificate2 Certificate, string Source);
