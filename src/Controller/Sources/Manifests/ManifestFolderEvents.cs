using System.Threading.Channels;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// What the file-system watcher reported since the source last looked: the paths it named (files or folders, both
/// sides of a rename) and whether it lost track (buffer overflow or error), which asks for a full rescan.
/// Written from the watcher's threads, taken by the source's loop.
/// </summary>
internal sealed class ManifestFolderEvents
{
    private readonly Lock _gate = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private readonly TimeProvider _time;
    private HashSet<string> _paths = new(StringComparer.Ordinal);
    private bool _rescan;
    private long _lastTimestamp;

    public ManifestFolderEvents(TimeProvider time) => _time = time;

    /// <summary>How long ago the last report arrived (by the time provider's clock).</summary>
    public TimeSpan SinceLast => _time.GetElapsedTime(Interlocked.Read(ref _lastTimestamp));

    public void Add(string path)
    {
        lock (_gate)
        {
            _paths.Add(path);
        }

        Signal();
    }

    public void RequestRescan()
    {
        lock (_gate)
        {
            _rescan = true;
        }

        Signal();
    }

    /// <summary>Completes when something was reported since the last <see cref="Take"/> (possibly before this call).</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _signal.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Takes what was reported and clears it.</summary>
    public (IReadOnlySet<string> Paths, bool Rescan) Take()
    {
        while (_signal.Reader.TryRead(out _))
        {
        }

        lock (_gate)
        {
            var taken = (_paths, _rescan);
            _paths = new HashSet<string>(StringComparer.Ordinal);
            _rescan = false;
            return taken;
        }
    }

    private void Signal()
    {
        Interlocked.Exchange(ref _lastTimestamp, _time.GetTimestamp());
        _signal.Writer.TryWrite(true);
    }
}
