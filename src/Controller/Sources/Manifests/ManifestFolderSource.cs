using System.IO.Enumeration;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Controller.Store;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// Serves every <see cref="ResourceKind"/> from a folder of YAML manifests instead of a cluster. The first read hands
/// the store each kind whole (like a watch's initial list); after that, only the files that changed are re-read
/// (file-system events after a debounce window, a poll of sizes and modification times as a fallback, a full rescan
/// when the watcher loses track), and the objects they contribute are diffed against what they contributed before,
/// so the store gets the same upserts and deletes a watch would give. A file that fails to parse keeps the objects
/// it had before, and the failure is logged with its name.
/// </summary>
public sealed class ManifestFolderSource : BackgroundService
{
    private static readonly EnumerationOptions FileEnumeration = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = true,
        // Hidden entries are skipped: editors' temporary files, and the "..data" links of mounted ConfigMaps,
        // which would otherwise show every file twice.
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        MatchCasing = MatchCasing.CaseInsensitive,
    };

    private readonly ManifestFolderOptions _options;
    private readonly IResourceSink _sink;
    private readonly ILogger<ManifestFolderSource> _logger;
    private readonly TimeProvider _time;
    private readonly ManifestProblems? _problems;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private readonly ManifestFolderEvents _events;
    private readonly Dictionary<string, ManifestFileState> _files = new(StringComparer.Ordinal);
    private readonly ManifestObjectIndex _index;

    private bool _published;
    private bool _folderMissing;
    private long _filesParsed;
    private long _readPasses;

    public ManifestFolderSource(
        IOptions<ManifestFolderOptions> options,
        IResourceSink sink,
        ILogger<ManifestFolderSource> logger,
        TimeProvider? timeProvider = null,
        ManifestProblems? problems = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        if (string.IsNullOrWhiteSpace(_options.Directory))
        {
            throw new ArgumentException("The manifest folder (--manifests DIR) is not set.", nameof(options));
        }

        Directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(_options.Directory));
        _sink = sink;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        _events = new ManifestFolderEvents(_time);
        _problems = problems;
        _index = new ManifestObjectIndex(logger);
    }

    /// <summary>The kinds this source serves (all of them).</summary>
    public static IReadOnlyList<ResourceKind> ServedKinds => ResourceKinds.All;

    /// <summary>The absolute path of the folder.</summary>
    public string Directory { get; }

    /// <summary>How many times a file's content was parsed (a re-read of unchanged content parses nothing).</summary>
    public long FilesParsed => Interlocked.Read(ref _filesParsed);

    /// <summary>How many times the source looked at the folder or at files it named (the first read, each event batch, each poll).</summary>
    public long ReadPasses => Interlocked.Read(ref _readPasses);

    /// <summary>Fails the host's start at once, with a clear message, when the folder does not exist.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureFolderExists();
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Reads the folder, then follows file events and polls until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        EnsureFolderExists();
        using var watcher = _options.UseFileSystemWatcher ? TryCreateWatcher() : null;
        await ReloadAsync(cancellationToken);

        try
        {
            await WatchAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Reads every file of the folder (parsing only those whose content changed) and hands the store what changed; the
    /// first call hands it every kind whole. Throws <see cref="DirectoryNotFoundException"/> when the folder does not exist.
    /// </summary>
    public Task ReloadAsync(CancellationToken cancellationToken) => UnderLockAsync(ct => RescanAsync(verifyContent: true, ct), cancellationToken);

    public override void Dispose()
    {
        _reloadLock.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    private static bool IsManifest(ReadOnlySpan<char> path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private static List<(string Path, long Length, DateTime LastWriteUtc)> EnumerateManifests(string folder)
    {
        var entries = new FileSystemEnumerable<(string, long, DateTime)>(
            folder,
            static (ref FileSystemEntry e) => (e.ToFullPath(), e.Length, e.LastWriteTimeUtc.UtcDateTime),
            FileEnumeration)
        {
            ShouldIncludePredicate = static (ref FileSystemEntry e) => !e.IsDirectory && IsManifest(e.FileName),
        };
        return [.. entries];
    }

    private async Task UnderLockAsync(Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        await _reloadLock.WaitAsync(cancellationToken);
        try
        {
            EnsureFolderExists();
            if (_folderMissing)
            {
                _folderMissing = false;
                _logger.LogInformation("Manifest folder {Directory} is back", Directory);
            }

            await action(cancellationToken);
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    /// <summary>Lists the folder; reads the files that are new, gone, or (unless every file is read) whose size or time moved.</summary>
    private Task RescanAsync(bool verifyContent, CancellationToken cancellationToken)
    {
        var listed = EnumerateManifests(Directory);
        var present = new HashSet<string>(listed.Count, StringComparer.Ordinal);
        var toRead = new List<string>();
        foreach (var (path, length, lastWrite) in listed)
        {
            present.Add(path);
            if (verifyContent || !_files.TryGetValue(path, out var known) || !known.HasStamp(length, lastWrite))
            {
                toRead.Add(path);
            }
        }

        var gone = _files.Keys.Where(p => !present.Contains(p)).ToList();
        return UpdateAsync(toRead, gone, cancellationToken);
    }

    /// <summary>Re-reads what the watcher named: files, and every manifest under a named folder (created, renamed or deleted).</summary>
    private Task UpdatePathsAsync(IReadOnlySet<string> paths, CancellationToken cancellationToken)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var relative = Path.GetRelativePath(Directory, path);
            if (relative == "." || Path.IsPathRooted(relative) || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            var segments = relative.Split(Path.DirectorySeparatorChar);
            if (segments.Any(s => s.StartsWith("..", StringComparison.Ordinal)))
            {
                // Kubernetes' atomic writer (mounted ConfigMaps, Secrets) swaps a hidden "..data" link: the visible
                // files change without an event of their own.
                return RescanAsync(verifyContent: true, cancellationToken);
            }

            if (segments.Any(s => s.StartsWith('.')))
            {
                continue; // hidden, as in a listing: editors' swap files, .git
            }

            if (IsManifest(path) && !System.IO.Directory.Exists(path))
            {
                affected.Add(path);
                continue;
            }

            // A folder (or a name that is gone): the files known under it, and those now in it.
            var prefix = path + Path.DirectorySeparatorChar;
            affected.UnionWith(_files.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)));
            if (System.IO.Directory.Exists(path))
            {
                affected.UnionWith(EnumerateManifests(path).Select(e => e.Path));
            }
        }

        var toRead = affected.Where(File.Exists).ToList();
        var gone = affected.Where(p => !File.Exists(p) && _files.ContainsKey(p)).ToList();
        return UpdateAsync(toRead, gone, cancellationToken);
    }

    private async Task UpdateAsync(List<string> toRead, List<string> gone, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var reads = new FileRead[toRead.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, toRead.Count),
            new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, ct) => reads[i] = await ReadFileAsync(toRead[i], ct));

        var filesChanged = 0;
        foreach (var path in gone)
        {
            filesChanged += Forget(path) ? 1 : 0;
        }

        foreach (var read in reads.OrderBy(r => r.Path, StringComparer.Ordinal))
        {
            filesChanged += Apply(read) ? 1 : 0;
        }

        if (!_published)
        {
            _index.PublishAll(_sink);
            _published = true;
            Interlocked.Increment(ref _readPasses);
            _logger.LogInformation(
                "Manifest folder {Directory}: {Count} objects from {Files} files, read in {ElapsedMs:F0} ms",
                Directory,
                _index.Count,
                _files.Count,
                _time.GetElapsedTime(started).TotalMilliseconds);
            return;
        }

        var (upserted, deleted) = _index.PublishChanges(_sink);
        Interlocked.Increment(ref _readPasses);
        if (filesChanged > 0)
        {
            _logger.LogInformation(
                "Manifest folder {Directory}: {Changed} files changed, {Upserted} objects added or updated, {Deleted} deleted in {ElapsedMs:F1} ms; {Count} objects from {Files} files",
                Directory,
                filesChanged,
                upserted,
                deleted,
                _time.GetElapsedTime(started).TotalMilliseconds,
                _index.Count,
                _files.Count);
        }
    }

    private bool Forget(string path)
    {
        if (!_files.Remove(path))
        {
            return false;
        }

        _index.RemoveFile(path);
        _problems?.Report(InFolder(path), []);
        _logger.LogInformation("Manifest file {File} is gone; its objects are removed", path);
        return true;
    }

    /// <summary>Takes one file's read into the index; true when the file's objects changed.</summary>
    private bool Apply(FileRead read)
    {
        var previous = _files.GetValueOrDefault(read.Path);
        switch (read)
        {
            case { Hash: null }:
                if (!File.Exists(read.Path))
                {
                    return Forget(read.Path);
                }

                // Locked or vanished and back between listing and reading: keep what it had; the next read settles it.
                _logger.LogWarning("Cannot read manifest file {File}: {Problem}", read.Path, read.Problem);
                _problems?.Report(InFolder(read.Path), [new ManifestProblem(ManifestProblemKind.UnreadableFile, 0, $"cannot be read, keeping what it had before: {read.Problem}")]);
                return false;
            case { Parse: null }:
                _files[read.Path] = previous! with { Length = read.Length, LastWriteUtc = read.LastWriteUtc };
                return false;
            case { Parse.IsRejected: true }:
                var kept = previous?.ObjectCount ?? 0;
                _logger.LogError(
                    "Manifest file {File} is invalid, keeping the {Count} objects it had before: {Problem}",
                    read.Path,
                    kept,
                    read.Parse.Problem);
                _problems?.Report(
                    InFolder(read.Path),
                    [new ManifestProblem(ManifestProblemKind.InvalidFile, read.Parse.ProblemLine ?? 0, $"invalid, keeping the {kept} objects it had before: {ManifestErrorText.ForUser(read.Parse.Problem!)}")]);

                // Remembering this content's hash keeps the same broken content from being parsed and logged again.
                _files[read.Path] = new ManifestFileState(read.Length, read.LastWriteUtc, read.Hash, kept, Rejected: true);
                return false;
            default:
                foreach (var ignored in read.Parse.Ignored)
                {
                    _logger.LogDebug("Manifest file {File}: ignoring {Document}, a kind Plexus does not read", read.Path, ignored);
                }

                // Per file at Information once serving; the first read of a large folder says it in one line.
                _logger.Log(
                    _published ? LogLevel.Information : LogLevel.Debug,
                    "Read {Count} objects from manifest file {File}",
                    read.Parse.Objects.Count,
                    read.Path);
                _problems?.Report(InFolder(read.Path), read.Parse.Problems);
                _files[read.Path] = new ManifestFileState(read.Length, read.LastWriteUtc, read.Hash, read.Parse.Objects.Count, Rejected: false);
                _index.SetFile(read.Path, read.Parse.Objects);
                return true;
        }
    }

    /// <summary>Reads, hashes and (when its content changed) parses one file. Runs in parallel with other reads: reads state only.</summary>
    private async Task<FileRead> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        long length;
        DateTime lastWrite;
        try
        {
            // Stamp before content: a write in between leaves a stamp older than the content, so a poll re-reads it.
            var info = new FileInfo(path);
            length = info.Length;
            lastWrite = info.LastWriteTimeUtc;
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FileRead(path, 0, default, null, null, ex.Message);
        }

        var hash = SHA256.HashData(bytes);
        if (_files.TryGetValue(path, out var previous) && previous.Hash.AsSpan().SequenceEqual(hash))
        {
            return new FileRead(path, length, lastWrite, hash, null, null);
        }

        Interlocked.Increment(ref _filesParsed);
        return new FileRead(path, length, lastWrite, hash, ManifestFileParse.Of(Encoding.UTF8.GetString(bytes)), null);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        Task<bool>? fileEvent = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            fileEvent ??= _events.WaitAsync(cancellationToken).AsTask();
            bool eventFirst;
            using (var pollCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var poll = Task.Delay(_options.PollInterval, _time, pollCancellation.Token);
                eventFirst = await Task.WhenAny(fileEvent, poll) == fileEvent;
                await pollCancellation.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }

            try
            {
                if (eventFirst)
                {
                    fileEvent = null;
                    await DebounceAsync(cancellationToken);
                    var (paths, rescan) = _events.Take();
                    await UnderLockAsync(ct => rescan ? RescanAsync(verifyContent: true, ct) : UpdatePathsAsync(paths, ct), cancellationToken);
                }
                else
                {
                    await UnderLockAsync(ct => RescanAsync(verifyContent: false, ct), cancellationToken);
                }
            }
            catch (DirectoryNotFoundException ex)
            {
                if (!_folderMissing)
                {
                    _folderMissing = true;
                    _logger.LogError("{Problem} Keeping the objects read before.", ex.Message);
                }
            }
        }
    }

    private async Task DebounceAsync(CancellationToken cancellationToken)
    {
        // Until no event came for the debounce window, counted from the last event (an editor's write, then its
        // rename, is one change); bounded, so a file written continuously is still read.
        var waited = TimeSpan.Zero;
        var bound = _options.Debounce * 20;
        while (_options.Debounce - _events.SinceLast is var remaining && remaining > TimeSpan.Zero && waited < bound)
        {
            await Task.Delay(remaining, _time, cancellationToken);
            waited += remaining;
        }
    }

    private FileSystemWatcher? TryCreateWatcher()
    {
        try
        {
            var watcher = new FileSystemWatcher(Directory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite
                    | NotifyFilters.Size | NotifyFilters.CreationTime,
                // The largest buffer: a checkout or an unpacked archive touches many files at once.
                InternalBufferSize = 64 * 1024,
            };
            watcher.Changed += OnFileEvent;
            watcher.Created += OnFileEvent;
            watcher.Deleted += OnFileEvent;
            watcher.Renamed += OnRenamed;
            watcher.Error += OnWatcherError;
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // e.g. the inotify instance limit is reached: polling still picks changes up.
            _logger.LogWarning("Cannot watch manifest folder {Directory}, polling every {Interval}: {Problem}", Directory, _options.PollInterval, ex.Message);
            return null;
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => _events.Add(e.FullPath);

    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        // Both sides: an editor's "write a temporary file, rename it over the original" changes the target.
        _events.Add(e.OldFullPath);
        _events.Add(e.FullPath);
    }

    private void OnWatcherError(object sender, ErrorEventArgs e)
    {
        _logger.LogWarning("Watching manifest folder {Directory} lost events, rescanning it: {Problem}", Directory, e.GetException().Message);
        _events.RequestRescan();
    }

    private string InFolder(string path) => Path.GetRelativePath(Directory, path);

    private void EnsureFolderExists()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new DirectoryNotFoundException($"Manifest folder '{Directory}' (--manifests) does not exist.");
        }
    }

    /// <summary>
    /// One file read: no <see cref="Hash"/> when it could not be read (<see cref="Problem"/> says why), no
    /// <see cref="Parse"/> when its content is what was read before.
    /// </summary>
    private sealed record FileRead(string Path, long Length, DateTime LastWriteUtc, byte[]? Hash, ManifestFileParse? Parse, string? Problem);
}
