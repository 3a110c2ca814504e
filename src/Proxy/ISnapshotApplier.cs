using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Proxy;

/// <summary>The proxy side of the data flow: takes a whole snapshot, or none of it.</summary>
public interface ISnapshotApplier
{
    /// <summary>The snapshot requests are being served from.</summary>
    ProxySnapshot Current { get; }

    /// <summary>Validates and atomically applies <paramref name="snapshot"/>; an invalid one is rejected whole and the previous one keeps serving.</summary>
    SnapshotApplyResult Apply(ProxySnapshot snapshot);
}

/// <summary>The outcome of <see cref="ISnapshotApplier.Apply"/>.</summary>
public sealed record SnapshotApplyResult(bool Applied, ImmutableArray<string> Errors)
{
    public static SnapshotApplyResult Success { get; } = new(true, []);

    public static SnapshotApplyResult Rejected(IEnumerable<string> errors) => new(false, [.. errors]);
}
