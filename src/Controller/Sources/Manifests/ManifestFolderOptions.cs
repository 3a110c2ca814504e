namespace Plexus.Controller.Sources.Manifests;

/// <summary>Settings of <see cref="ManifestFolderSource"/> (<c>--manifests DIR</c>).</summary>
public sealed class ManifestFolderOptions
{
    /// <summary>The folder holding *.yaml / *.yml manifests (subfolders included, hidden ones skipped).</summary>
    public string Directory { get; set; } = "";

    /// <summary>
    /// How long file events must be quiet before the files they name are re-read: editors and <c>git checkout</c>
    /// write in several steps. Waiting starts over while events keep coming, at most 20 times.
    /// </summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Look for changes this often even without file events (watchers miss events on some filesystems): files whose
    /// size or modification time moved are re-read.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether to use a FileSystemWatcher in addition to polling.</summary>
    public bool UseFileSystemWatcher { get; set; } = true;
}
