namespace Plexus.Controller.Store;

/// <summary>Settings of <see cref="ResourceStore"/>: which kinds must be synced and how change bursts are coalesced.</summary>
public sealed class ResourceStoreOptions
{
    /// <summary>A burst of events is over once no event arrived for this long.</summary>
    public TimeSpan QuietWindow { get; set; } = TimeSpan.FromMilliseconds(30);

    /// <summary>During a burst that never goes quiet, changes are still handed out this long after its first event.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The kinds the configured source serves; <see cref="ResourceStore.AllSynced"/> waits for each of them.
    /// Null means every <see cref="ResourceKind"/>.
    /// </summary>
    public IReadOnlyCollection<ResourceKind>? ExpectedKinds { get; set; }
}
