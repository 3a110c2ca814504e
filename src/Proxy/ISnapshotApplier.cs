using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Proxy;

/// <summary>The proxy side of the data flow: takes a whole snapshot, or none of it.</summary>
public interface ISnapshotApplier
{
    /// <summary>The snapshot requests are being served from.</summary>
    ProxySnapshot Current { get; }

    /// <summary>
    /// Validates and atomically applies <paramref name="snapshot"/>; an invalid one is rejected whole and the previous one
    /// keeps serving. Concurrent calls are serialized. Requests see the old snapshot or the new one, never a mix.
    /// </summary>
    ValueTask<SnapshotApplyResult> ApplyAsync(ProxySnapshot snapshot, CancellationToken ct);
}

/// <summary>The outcome of <see cref="ISnapshotApplier.ApplyAsync"/>.</summary>
public sealed record SnapshotApplyResult(bool Applied, ImmutableArray<string> Errors)
{
    public static SnapshotApplyResult Success { get; } = new(true, []);

    public static SnapshotApplyResult Rejected(IEnumerable<string> errors) => new(false, [.. errors]);
}
