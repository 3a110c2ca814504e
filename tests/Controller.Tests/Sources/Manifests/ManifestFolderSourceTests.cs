using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Controller.Sources.Manifests;
using Plexus.Controller.Store;

namespace Plexus.Controller.Tests.Sources.Manifests;

public sealed class ManifestFolderSourceTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexus-manifests-" + Guid.NewGuid().ToString("N"));
    private readonly ResourceStore _store = new(Options.Create(new ResourceStoreOptions()), TimeProvider.System);
    private readonly CapturingLogger<ManifestFolderSource> _log = new();

    public ManifestFolderSourceTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Reads_yaml_and_yml_files_in_subfolders_into_the_store()
    {
        Write("a.yaml", Service("a") + "---\n" + Slice("a-1", "a", 19001) + "---\n" + IngressClass());
        Write("nested/deeper/b.YML", Service("b", ns: "shop"));
        Write("notes.txt", Service("ignored"));
        Write(".hidden/c.yaml", Service("hidden"));
        using var source = Source();

        await source.ReloadAsync(CancellationToken.None);

        var state = _store.Current;
        Assert.Equal(["default/a", "shop/b"], state.Services.Keys.Select(k => k.ToString()).Order());
        Assert.True(state.EndpointSlices.ContainsKey(new ObjectKey("default", "a-1")));
        Assert.True(state.IngressClasses.ContainsKey(new ObjectKey("", "plexus")));
        Assert.True(_store.AllSynced);
    }

    [Fact]
    public async Task A_deleted_file_removes_its_objects()
    {
        Write("a.yaml", Service("a"));
        Write("b.yaml", Service("b") + "---\n" + Slice("b-1", "b", 19002));
        using var source = Source();
        await source.ReloadAsync(CancellationToken.None);
        Assert.Equal(2, _store.Current.Services.Count);

        File.Delete(Path.Combine(_folder, "b.yaml"));
        await source.ReloadAsync(CancellationToken.None);

        Assert.Equal(["a"], _store.Current.Services.Keys.Select(k => k.Name));
        Assert.Empty(_store.Current.EndpointSlices);
    }

    [Fact]
    public async Task An_invalid_file_keeps_its_previous_objects_and_logs_an_error()
    {
        Write("a.yaml", Service("a") + "---\n" + Service("a2"));
        Write("b.yaml", Service("b"));
        using var source = Source();
        await source.ReloadAsync(CancellationToken.None);

        Write("a.yaml", Service("a") + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [broken\n");
        Write("b.yaml", Service("b", port: 81));
        await source.ReloadAsync(CancellationToken.None);

        Assert.Equal(["a", "a2", "b"], _store.Current.Services.Keys.Select(k => k.Name).Order());
        Assert.Equal(81, _store.Current.Services[new ObjectKey("default", "b")].Spec.Ports[0].Port);
        var error = Assert.Single(_log.At(LogLevel.Error));
        Assert.Contains(Path.Combine(_folder, "a.yaml"), error, StringComparison.Ordinal);
        Assert.Contains("document 2", error, StringComparison.Ordinal);
        Assert.Contains("keeping the 2 objects", error, StringComparison.Ordinal);

        // The same broken content is not reported again; fixing it applies the fix.
        await source.ReloadAsync(CancellationToken.None);
        Assert.Single(_log.At(LogLevel.Error));
        Write("a.yaml", Service("a3"));
        await source.ReloadAsync(CancellationToken.None);
        Assert.Equal(["a3", "b"], _store.Current.Services.Keys.Select(k => k.Name).Order());
    }

    [Fact]
    public async Task A_new_invalid_file_contributes_nothing_and_blocks_nothing()
    {
        Write("bad.yaml", "apiVersion: v1\nkind: Service\n  oops: [\n");
        Write("good.yaml", Service("good"));
        using var source = Source();

        await source.ReloadAsync(CancellationToken.None);

        Assert.Equal(["good"], _store.Current.Services.Keys.Select(k => k.Name));
        Assert.Contains(_log.At(LogLevel.Error), e => e.Contains("bad.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_kinds_are_ignored_with_a_debug_log()
    {
        Write("mixed.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\n" + Service("a"));
        using var source = Source();

        await source.ReloadAsync(CancellationToken.None);

        Assert.Equal(["a"], _store.Current.Services.Keys.Select(k => k.Name));
        Assert.Empty(_log.At(LogLevel.Error));
        Assert.Contains(_log.At(LogLevel.Debug), e => e.Contains("Deployment d", StringComparison.Ordinal));
        Assert.Contains(_log.At(LogLevel.Debug), e => e.Contains("Widget w", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Duplicate_objects_across_files_warn_and_the_later_file_wins()
    {
        Write("1.yaml", Service("a", port: 80));
        Write("2.yaml", Service("a", port: 82));
        using var source = Source();

        await source.ReloadAsync(CancellationToken.None);

        Assert.Equal(82, Assert.Single(_store.Current.Services).Value.Spec.Ports[0].Port);
        Assert.Contains(_log.At(LogLevel.Warning), e => e.Contains("default/a", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rereading_unchanged_files_changes_nothing()
    {
        Write("a.yaml", Service("a") + "---\n" + Slice("a-1", "a", 19001));
        using var source = Source();
        await source.ReloadAsync(CancellationToken.None);
        _store.TakeChanges();
        var before = _store.Current;

        await source.ReloadAsync(CancellationToken.None);
        File.SetLastWriteTimeUtc(Path.Combine(_folder, "a.yaml"), DateTime.UtcNow.AddMinutes(1));
        Write("a.yaml", Service("a") + "---\n" + Slice("a-1", "a", 19001));
        await source.ReloadAsync(CancellationToken.None);

        Assert.Same(before, _store.Current);
        Assert.False(_store.HasPendingChanges);
    }

    [Fact]
    public async Task A_missing_folder_is_a_clear_error()
    {
        var missing = Path.Combine(_folder, "does-not-exist");
        using var source = Source(missing);

        var reload = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => source.ReloadAsync(CancellationToken.None));
        var start = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => source.StartAsync(CancellationToken.None));

        Assert.Contains(missing, reload.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", start.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ManifestFolderSource(Options.Create(new ManifestFolderOptions()), _store, _log));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Running_source_picks_up_edits_new_files_and_deletions(bool watcher)
    {
        Write("a.yaml", Service("a"));
        using var source = Source(options: new ManifestFolderOptions
        {
            Directory = _folder,
            UseFileSystemWatcher = watcher,
            PollInterval = watcher ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(100),
            Debounce = TimeSpan.FromMilliseconds(20),
        });
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(cts.Token);

        await Eventually(() => _store.Current.Services.ContainsKey(new ObjectKey("default", "a")));

        Write("a.yaml", Service("a", port: 8080));
        await Eventually(() => _store.Current.Services.TryGetValue(new ObjectKey("default", "a"), out var s) && s.Spec.Ports[0].Port == 8080);

        Write("sub/b.yaml", Service("b"));
        await Eventually(() => _store.Current.Services.ContainsKey(new ObjectKey("default", "b")));

        File.Delete(Path.Combine(_folder, "a.yaml"));
        await Eventually(() => !_store.Current.Services.ContainsKey(new ObjectKey("default", "a")));

        await cts.CancelAsync();
        await run.WaitAsync(Patience);
        Assert.Empty(_log.At(LogLevel.Error));
    }

    internal static string Service(string name, string ns = "default", int port = 80) => $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          ports:
          - name: http
            port: {port}

        """;

    internal static string Slice(string name, string service, int port) => $"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {name}
          labels:
            kubernetes.io/service-name: {service}
        addressType: IPv4
        endpoints:
        - addresses: ["127.0.0.1"]
        ports:
        - name: http
          port: {port}

        """;

    private static string IngressClass() => """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: plexus
        spec:
          controller: plexus.dev/ingress-controller

        """;

    private static async Task Eventually(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private ManifestFolderSource Source(string? folder = null, ManifestFolderOptions? options = null) =>
        new(Options.Create(options ?? new ManifestFolderOptions { Directory = folder ?? _folder }), _store, _log);

    private void Write(string relativePath, string content)
    {
        var path = Path.Combine(_folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
