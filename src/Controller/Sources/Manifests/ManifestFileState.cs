namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// What the source remembers of one manifest file at its last read: the size and modification time it had (a poll
/// re-reads only files whose stamp moved) and the hash of its content (a re-read with the same hash parses nothing).
/// </summary>
internal sealed record ManifestFileState(long Length, DateTime LastWriteUtc, byte[] Hash, int ObjectCount, bool Rejected)
{
    public bool HasStamp(long length, DateTime lastWriteUtc) => Length == length && LastWriteUtc == lastWriteUtc;
}
