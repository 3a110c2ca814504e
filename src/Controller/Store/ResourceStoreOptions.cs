namespace Plexus.Controller.Store;

/// <summary>Settings of <see cref="ResourceStore"/>: which kinds must be synced and how change bursts are coalesced.</summary>
public sealed class ResourceStoreOptions
{
    /// <summary>
    /// A burst of events is over once no event arrived for this long. Short, because a build costs what changed (a few
    /// milliseconds for one Service at 10,000 Ingresses, bench/SCALE.md) and this wait is most of an endpoint change's
    /// time to traffic; the events of one list page or watch batch still arrive within it.
    /// </summary>
    public TimeSpan QuietWindow { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>During a burst that never goes quiet, changes are still handed out this long after its first event.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The kinds the configured source serves; <see cref="ResourceStore.AllSynced"/> waits for each of them.
    /// Null means every <see cref="ResourceKind"/>.
    /// </summary>
    public IReadOnlyCollection<ResourceKind>? ExpectedKinds { get; set; }
}
