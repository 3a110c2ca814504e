using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Controller.Sources.Manifests;
using Plexus.Controller.Store;
using Plexus.Controller.Tests.Sources.Kubernetes;
using Plexus.Testing;
using static Plexus.Controller.Tests.Sources.Manifests.ManifestFolderSourceTests;

namespace Plexus.Controller.Tests.Sources.Manifests;

/// <summary>
/// After the first read, a file change reaches the sink as a watch would send it: upserts and deletes of the objects
/// that changed, nothing for the others, and only the changed files are parsed.
/// </summary>
public sealed class ManifestFolderChangeTests : IDisposable
{
    /// <summary>Folder before the change: a.yaml with Services a and b, m.yaml with Service m and its slice.</summary>
    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["edit one document"] = new(f => Write(f, "a.yaml", Service("a") + "---\n" + Service("b", port: 81)), ["Upsert Service default/b"], Parses: 1),
        ["add a document"] = new(f => Write(f, "a.yaml", Service("a") + "---\n" + Service("b") + "---\n" + Service("c")), ["Upsert Service default/c"], Parses: 1),
        ["remove a document"] = new(f => Write(f, "a.yaml", Service("a")), ["Delete Service default/b"], Parses: 1),
        ["delete a file"] = new(f => File.Delete(Path.Combine(f, "m.yaml")), ["Delete EndpointSlice default/m-1", "Delete Service default/m"], Parses: 0),
        ["rename a file"] = new(f => File.Move(Path.Combine(f, "m.yaml"), Path.Combine(f, "sub", "renamed.yaml")), [], Parses: 1),
        ["move a file out of the folder's yaml files"] = new(f => File.Move(Path.Combine(f, "m.yaml"), Path.Combine(f, "m.yaml.bak")), ["Delete EndpointSlice default/m-1", "Delete Service default/m"], Parses: 0),
        ["rewrite the same content"] = new(f => Write(f, "a.yaml", Service("a") + "---\n" + Service("b")), [], Parses: 0),
        ["edit only comments and layout"] = new(f => Write(f, "a.yaml", "# a comment\n" + Service("a") + "\n\n---\n" + Service("b")), [], Parses: 1),
        ["swap documents between files"] = new(
            f =>
            {
                Write(f, "a.yaml", Service("a") + "---\n" + Service("m"));
                Write(f, "m.yaml", Service("b") + "---\n" + Slice("m-1", "m", 19001));
            },
            [],
            Parses: 2,
            SingleFile: false),
        ["a file becomes invalid: its last good objects stay"] = new(f => Write(f, "a.yaml", "apiVersion: v1\nkind: Service\nmetadata: [broken\n"), [], Parses: 1),
        ["a later file redefines an object: it wins"] = new(f => Write(f, "z.yaml", Service("a", port: 90)), ["Upsert Service default/a"], Parses: 1),
        ["an earlier file redefines an object: the later one stays"] = new(f => Write(f, "0.yaml", Service("a", port: 90)), [], Parses: 1),
        ["a folder of new files"] = new(f => Write(f, "new/deeper/n.yaml", Service("n")), ["Upsert Service default/n"], Parses: 1),
    };

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexus-manifest-changes-" + Guid.NewGuid().ToString("N"));
    private readonly CapturingLogger<ManifestFolderSource> _log = new();

    public ManifestFolderChangeTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "sub"));
        Write(_folder, "a.yaml", Service("a") + "---\n" + Service("b"));
        Write(_folder, "m.yaml", Service("m") + "---\n" + Slice("m-1", "m", 19001));
    }

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    public static TheoryData<string> SingleFileCaseNames => [.. Cases.Where(c => c.Value.SingleFile).Select(c => c.Key)];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_full_reread_sends_only_what_changed(string name)
    {
        var change = Cases[name];
        var sink = new RecordingSink();
        using var source = Source(sink, watcher: false);
        await source.ReloadAsync(CancellationToken.None);
        var calls = sink.Calls.Count;
        var parsed = source.FilesParsed;

        change.Apply(_folder);
        await source.ReloadAsync(CancellationToken.None);

        Assert.Equal(change.Calls.Order(StringComparer.Ordinal), sink.Calls.Skip(calls).Select(Describe).Order(StringComparer.Ordinal));
        Assert.Equal(change.Parses, source.FilesParsed - parsed);
    }

    [Theory]
    [MemberData(nameof(SingleFileCaseNames))]
    public async Task A_watched_change_sends_only_what_changed(string name)
    {
        var change = Cases[name];
        var sink = new RecordingSink();
        using var source = Source(sink, watcher: true);
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(cts.Token);
        await Eventually.UntilAsync(() => source.ReadPasses > 0, because: "the first read");
        var calls = sink.Calls.Count;
        var parsed = source.FilesParsed;
        var passes = source.ReadPasses;

        change.Apply(_folder);
        if (change.Calls.Count > 0)
        {
            await Eventually.UntilAsync(() => sink.Calls.Count - calls >= change.Calls.Count, because: "the change to reach the sink");
        }
        else
        {
            // Nothing to wait for in the sink: wait until the source has read what the change touched.
            await Eventually.UntilAsync(() => source.FilesParsed - parsed >= change.Parses && source.ReadPasses > passes, because: "the source to read the change");
        }

        // A read after the change settles it: nothing more may arrive.
        await source.ReloadAsync(CancellationToken.None);
        await cts.CancelAsync();
        await run;
        Assert.Equal(change.Calls.Order(StringComparer.Ordinal), sink.Calls.Skip(calls).Select(Describe).Order(StringComparer.Ordinal));
        Assert.Equal(change.Parses, source.FilesParsed - parsed);
    }

    [Fact]
    public async Task Unchanged_objects_keep_their_instance_in_the_store()
    {
        var store = new ResourceStore(Options.Create(new ResourceStoreOptions()), TimeProvider.System);
        using var source = Source(store, watcher: false);
        await source.ReloadAsync(CancellationToken.None);
        var before = store.Current;

        Write(_folder, "a.yaml", Service("a") + "---\n" + Service("b", port: 81));
        await source.ReloadAsync(CancellationToken.None);

        var after = store.Current;
        Assert.Same(before.Services[new ObjectKey("default", "a")], after.Services[new ObjectKey("default", "a")]);
        Assert.Same(before.Services[new ObjectKey("default", "m")], after.Services[new ObjectKey("default", "m")]);
        Assert.Same(before.EndpointSlices, after.EndpointSlices);
        Assert.Equal(81, after.Services[new ObjectKey("default", "b")].Spec.Ports[0].Port);
    }

    [Fact]
    public async Task A_file_that_becomes_invalid_keeps_its_objects_until_fixed_or_deleted()
    {
        var sink = new RecordingSink();
        using var source = Source(sink, watcher: false);
        await source.ReloadAsync(CancellationToken.None);

        Write(_folder, "a.yaml", "apiVersion: v1\nkind: Service\nmetadata: [broken\n");
        await source.ReloadAsync(CancellationToken.None);
        Assert.True(sink.Contains(ResourceKind.Service, "default", "b"));
        Assert.Contains(_log.At(LogLevel.Error), e => e.Contains("a.yaml", StringComparison.Ordinal) && e.Contains("keeping the 2 objects", StringComparison.Ordinal));

        File.Delete(Path.Combine(_folder, "a.yaml"));
        await source.ReloadAsync(CancellationToken.None);
        Assert.False(sink.Contains(ResourceKind.Service, "default", "a"));
        Assert.False(sink.Contains(ResourceKind.Service, "default", "b"));
    }

    [Fact]
    public async Task A_mounted_configmap_swap_is_picked_up_through_its_hidden_link()
    {
        // Kubernetes' atomic writer: visible files link into "..data", which is re-pointed at a new hidden folder.
        Directory.Delete(_folder, recursive: true);
        Directory.CreateDirectory(Path.Combine(_folder, "..v1"));
        File.WriteAllText(Path.Combine(_folder, "..v1", "app.yaml"), Service("app", port: 80));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "..data"), "..v1");
        File.CreateSymbolicLink(Path.Combine(_folder, "app.yaml"), Path.Combine("..data", "app.yaml"));
        var store = new ResourceStore(Options.Create(new ResourceStoreOptions()), TimeProvider.System);
        using var source = new ManifestFolderSource(
            Options.Create(new ManifestFolderOptions { Directory = _folder, PollInterval = TimeSpan.FromHours(1), Debounce = TimeSpan.FromMilliseconds(20) }),
            store,
            _log);
        using var cts = new CancellationTokenSource();
        var run = source.RunAsync(cts.Token);
        await Eventually.UntilAsync(() => store.Current.Services.Count == 1, because: "the first read");

        Directory.CreateDirectory(Path.Combine(_folder, "..v2"));
        File.WriteAllText(Path.Combine(_folder, "..v2", "app.yaml"), Service("app", port: 81));

        // The writer renames a new link over "..data" (one rename(2), which .NET does not offer for a link to a
        // folder); deleting and re-creating the link raises the same kind of events on the same hidden name.
        File.Delete(Path.Combine(_folder, "..data"));
        Directory.CreateSymbolicLink(Path.Combine(_folder, "..data"), "..v2");

        await Eventually.UntilAsync(
            () => store.Current.Services.TryGetValue(new ObjectKey("default", "app"), out var app) && app.Spec.Ports[0].Port == 81,
            because: "the swapped content");
        await cts.CancelAsync();
        await run;
    }

    private static void Write(string folder, string relativePath, string content)
    {
        var path = Path.Combine(folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // As editors and git do: a temporary file renamed over the target, so no reader sees half a file.
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + ".tmp");
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Describe(SinkCall call) => call.Op == SinkOp.ReplaceAll ? $"ReplaceAll {call.Kind}" : $"{call.Op} {call.Kind} {call.Key}";

    private ManifestFolderSource Source(IResourceSink sink, bool watcher) =>
        new(
            Options.Create(new ManifestFolderOptions
            {
                Directory = _folder,
                UseFileSystemWatcher = watcher,

                // With the watcher on, the poll must not be what finds the change.
                PollInterval = TimeSpan.FromHours(1),
                // Long enough that a write and the rename after it arrive in one batch on a loaded machine.
                Debounce = TimeSpan.FromMilliseconds(100),
            }),
            sink,
            _log);

    /// <summary>A change to the folder, the sink calls it must cause, and how many files it must parse.</summary>
    /// <param name="SingleFile">
    /// Whether the change touches one file. A watcher may deliver a change of several files in more than one batch,
    /// and each intermediate state is legitimately sent, so those are tested with full re-reads only.
    /// </param>
    private sealed record Case(Action<string> Apply, IReadOnlyList<string> Calls, int Parses, bool SingleFile = true);
}
