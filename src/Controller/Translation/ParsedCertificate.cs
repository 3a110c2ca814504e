using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;

namespace Plexus.Controller.Translation;

/// <summary>The outcome of parsing one TLS key pair: a certificate with its private key and chain, or why not.</summary>
/// <param name="Certificate">The leaf with its private key; null when the pair cannot be served.</param>
/// <param name="Chain">The intermediates to send after the leaf, issuer order.</param>
/// <param name="Error">Why the pair cannot be served, when <paramref name="Certificate"/> is null.</param>
/// <param name="ChainProblem">What is wrong with a chain that is served anyway (out of order, unrelated certificates left out).</param>
public sealed record ParsedCertificate(X509Certificate2? Certificate, ImmutableArray<X509Certificate2> Chain, string? Error, string? ChainProblem)
{
    public static ParsedCertificate Invalid(string error) => new(null, [], error, null);
}
