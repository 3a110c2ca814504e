using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>What a build produces: the snapshot for the proxy and, beside it, where each cluster's protocol came from.</summary>
/// <param name="Snapshot">The immutable snapshot to apply.</param>
/// <param name="Protocols">
/// The protocol declaration of every cluster, by <see cref="ProxyCluster.Id"/> (for <c>plexus check</c>, the admin
/// API and <see cref="Translator.UpdateEndpoints"/>). Kept out of the proxy model: the data plane only needs the protocol.
/// </param>
public sealed record TranslationResult(ProxySnapshot Snapshot, ImmutableDictionary<string, ProtocolDeclaration> Protocols)
{
    public static TranslationResult Empty { get; } = new(ProxySnapshot.Empty, ImmutableDictionary<string, ProtocolDeclaration>.Empty.WithComparers(StringComparer.Ordinal));
}
