namespace Plexus.Controller.Sources.Manifests;

/// <summary>Settings of <see cref="ManifestFolderSource"/> (<c>--manifests DIR</c>).</summary>
public sealed class ManifestFolderOptions
{
    /// <summary>The folder holding *.yaml / *.yml manifests (subfolders included, hidden ones skipped).</summary>
    public string Directory { get; set; } = "";

    /// <summary>How long file events must be quiet before a re-read; editors write a file in several steps.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Re-read this often even without file events (watchers miss events on some filesystems).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether to use a FileSystemWatcher in addition to polling.</summary>
    public bool UseFileSystemWatcher { get; set; } = true;
}
