using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Controller.Store;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// Serves every <see cref="ResourceKind"/> from a folder of YAML manifests instead of a cluster: reads it at start
/// and again whenever it changes, and after each read replaces each kind whole in the sink, so removed documents
/// vanish. A file that fails to parse keeps the objects it had before, and the failure is logged with its name.
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
    private readonly Channel<bool> _fileEvents = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private Dictionary<string, ManifestFile> _files = new(StringComparer.Ordinal);
    private bool _published;
    private bool _folderMissing;

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

        Directory = Path.GetFullPath(_options.Directory);
        _sink = sink;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        _problems = problems;
    }

    /// <summary>The kinds this source replaces on every read (all of them).</summary>
    public static IReadOnlyList<ResourceKind> ServedKinds => ResourceKinds.All;

    /// <summary>The absolute path of the folder.</summary>
    public string Directory { get; }

    /// <summary>Fails the host's start at once, with a clear message, when the folder does not exist.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureFolderExists();
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Reads the folder, then re-reads it on file events and every poll interval until cancelled.</summary>
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
    /// Reads the folder once and, when anything changed (or on the first read), replaces every kind in the sink.
    /// Throws <see cref="DirectoryNotFoundException"/> when the folder does not exist.
    /// </summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
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

            var paths = System.IO.Directory.EnumerateFiles(Directory, "*", FileEnumeration)
                .Where(IsManifest)
                .Order(StringComparer.Ordinal)
                .ToList();
            var next = new Dictionary<string, ManifestFile>(StringComparer.Ordinal);
            var changed = paths.Count != _files.Count;
            foreach (var path in paths)
            {
                var entry = await ReadFileAsync(path, _files.GetValueOrDefault(path), cancellationToken);
                changed |= !_files.TryGetValue(path, out var old) || !ReferenceEquals(old, entry);
                next[path] = entry;
            }

            _files = next;
            _problems?.Retain(next.Keys.Select(InFolder));
            if (changed || !_published)
            {
                Publish();
            }
        }
        finally
        {
            _reloadLock.Release();
        }
    }

    public override void Dispose()
    {
        _reloadLock.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    private static bool IsManifest(string path) =>
        path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    private async Task<ManifestFile> ReadFileAsync(string path, ManifestFile? previous, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Vanished or locked between listing and reading: keep what it had; the next read settles it.
            _logger.LogWarning("Cannot read manifest file {File}: {Problem}", path, ex.Message);
            _problems?.Report(InFolder(path), [new ManifestProblem(ManifestProblemKind.UnreadableFile, 0, $"cannot be read, keeping what it had before: {ex.Message}")]);
            return previous ?? new ManifestFile([], []);
        }

        var hash = SHA256.HashData(bytes);
        if (previous is not null && previous.Hash.AsSpan().SequenceEqual(hash))
        {
            return previous;
        }

        try
        {
            var documents = ManifestParser.Parse(Encoding.UTF8.GetString(bytes));
            foreach (var ignored in documents.Ignored)
            {
                _logger.LogDebug("Manifest file {File}: ignoring {Document}, a kind Plexus does not read", path, ignored);
            }

            _logger.LogInformation("Read {Count} objects from manifest file {File}", documents.Objects.Count, path);
            _problems?.Report(InFolder(path), documents.Problems);
            return new ManifestFile(hash, documents.Objects);
        }
        catch (Exception ex) when (ex is ManifestParseException or ArgumentException or InvalidOperationException)
        {
            // ManifestParseException is the expected case; the others guard against a model/YAML library corner
            // case, which must cost this file only, never the controller.
            var kept = previous?.Objects ?? [];
            _logger.LogError(
                "Manifest file {File} is invalid, keeping the {Count} objects it had before: {Problem}",
                path,
                kept.Count,
                ex.Message);

            var line = (ex as ManifestParseException)?.Line ?? 0;
            _problems?.Report(InFolder(path), [new ManifestProblem(ManifestProblemKind.InvalidFile, line, $"invalid, keeping the {kept.Count} objects it had before: {ManifestErrorText.ForUser(ex.Message)}")]);

            // Remember this content's hash so the same broken content is not re-parsed and re-logged every poll.
            return new ManifestFile(hash, kept);
        }
    }

    private string InFolder(string path) => Path.GetRelativePath(Directory, path);

    private void Publish()
    {
        var byKind = ResourceKinds.All.ToDictionary(k => k, _ => new Dictionary<ObjectKey, (IKubernetesObject<V1ObjectMeta> Object, string File)>());
        var count = 0;
        foreach (var (path, file) in _files)
        {
            foreach (var obj in file.Objects)
            {
                var kind = ResourceKinds.Of(obj);
                var key = ResourceKinds.KeyOf(kind, obj.Metadata);
                if (byKind[kind].TryGetValue(key, out var earlier))
                {
                    _logger.LogWarning("{Kind} {Key} is defined in {First} and {Second}; using the one in {Second}", kind, key, earlier.File, path, path);
                }
                else
                {
                    count++;
                }

                byKind[kind][key] = (obj, path);
            }
        }

        foreach (var kind in ResourceKinds.All)
        {
            _sink.ReplaceAll(kind, byKind[kind].Values.Select(v => v.Object).ToList());
        }

        _published = true;
        _logger.LogInformation("Manifest folder {Directory}: {Count} objects from {Files} files", Directory, count, _files.Count);
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        Task<bool>? fileEvent = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            fileEvent ??= _fileEvents.Reader.WaitToReadAsync(cancellationToken).AsTask();
            using (var pollCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var poll = Task.Delay(_options.PollInterval, _time, pollCancellation.Token);
                var first = await Task.WhenAny(fileEvent, poll);
                await pollCancellation.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
                if (first == fileEvent)
                {
                    fileEvent = null;
                    await DebounceAsync(cancellationToken);
                }
            }

            try
            {
                await ReloadAsync(cancellationToken);
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
        // Wait until events stop for the debounce window (bounded, so a file written continuously is still read).
        for (var i = 0; i < 20; i++)
        {
            while (_fileEvents.Reader.TryRead(out _))
            {
            }

            await Task.Delay(_options.Debounce, _time, cancellationToken);
            if (!_fileEvents.Reader.TryPeek(out _))
            {
                return;
            }
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
            };
            watcher.Changed += OnFileEvent;
            watcher.Created += OnFileEvent;
            watcher.Deleted += OnFileEvent;
            watcher.Renamed += OnFileEvent;
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

    private void OnFileEvent(object sender, FileSystemEventArgs e) => _fileEvents.Writer.TryWrite(true);

    private void OnWatcherError(object sender, ErrorEventArgs e)
    {
        _logger.LogWarning("Watching manifest folder {Directory} failed, polling continues: {Problem}", Directory, e.GetException().Message);
        _fileEvents.Writer.TryWrite(true);
    }

    private void EnsureFolderExists()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new DirectoryNotFoundException($"Manifest folder '{Directory}' (--manifests) does not exist.");
        }
    }

    /// <summary>What one file contributed at its last read: the hash of its content and its objects.</summary>
    private sealed record ManifestFile(byte[] Hash, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects);
}
