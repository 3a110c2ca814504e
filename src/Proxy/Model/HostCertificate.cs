using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace Plexus.Proxy.Model;

/// <summary>A TLS certificate (with private key) and the intermediates served with it, for the listed SNI hosts.</summary>
/// <param name="Hosts">Exact hosts or one-label wildcards ("*.example.com"), lower case.</param>
/// <param name="Certificate">The leaf certificate with its private key.</param>
/// <param name="Source">Where it came from (e.g. "secret/ns/name"), for diagnostics and the admin API.</param>
/// <remarks>
/// Equal means: the same certificate instances (leaf and chain, by reference: a Secret parsed anew is a new
/// certificate, even with the same bytes), the same hosts in the same order and the same source.
/// </remarks>
public sealed record HostCertificate(ImmutableArray<string> Hosts, X509Certificate2 Certificate, string Source)
{
    /// <summary>
    /// The certificates sent after the leaf, issuer order (the leaf's issuer first); a root may be among them.
    /// Empty for a self-signed certificate or one issued directly by a root the clients trust.
    /// </summary>
    public ImmutableArray<X509Certificate2> Chain { get; init; } = [];

    public bool Equals(HostCertificate? other) =>
        other is not null
        && ReferenceEquals(Certificate, other.Certificate)
        && string.Equals(Source, other.Source, StringComparison.Ordinal)
        && SameItems(Hosts, other.Hosts, static (a, b) => string.Equals(a, b, StringComparison.Ordinal))
        && SameItems(Chain, other.Chain, ReferenceEquals);

    public override int GetHashCode() => HashCode.Combine(Source, Hosts.IsDefaultOrEmpty ? 0 : Hosts.Length, Chain.IsDefaultOrEmpty ? 0 : Chain.Length);

    /// <summary>Whether two arrays hold the same items in the same order (a default array counts as empty).</summary>
    internal static bool SameItems<T>(ImmutableArray<T> a, ImmutableArray<T> b, Func<T, T, bool> same)
    {
        var left = a.IsDefault ? [] : a;
        var right = b.IsDefault ? [] : b;
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (!same(left[i], right[i]))
            {
                return false;
            }
        }

        return true;
    }
}
