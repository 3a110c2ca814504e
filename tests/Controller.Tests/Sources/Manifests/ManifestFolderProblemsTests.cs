using Microsoft.Extensions.Options;
using Plexus.Controller.Sources.Manifests;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Sources.Manifests;

/// <summary>The folder source keeps <see cref="ManifestProblems"/> current: per file, as of its last read.</summary>
public sealed class ManifestFolderProblemsTests : IDisposable
{
    private const string GoodService = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n";
    private readonly string _folder = Directory.CreateTempSubdirectory("plexus-manifest-problems-").FullName;
    private readonly ManifestProblems _problems = new();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Rejected_files_skipped_kinds_and_unknown_fields_are_diagnostics_on_their_file_until_fixed_or_deleted()
    {
        Write("a-broken.yaml", "apiVersion: v1\nkind: Service\nmetadata: 5\n");
        Write("b-typo.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: typo}\nspec: {prots: [{port: 80}]}\n");
        Write("nested/c-app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\n");
        Write("d-good.yaml", GoodService);
        using var source = Source();

        await source.ReloadAsync(CancellationToken.None);

        Assert.Equal(
            [
                $"Error ManifestFile/a-broken.yaml {ManifestProblems.InvalidReason}",
                $"Warning ManifestFile/b-typo.yaml {ManifestProblems.UnknownFieldReason}",
                $"Info ManifestFile/{Path.Combine("nested", "c-app.yaml")} {ManifestProblems.KindIgnoredReason}",
            ],
            _problems.Current.Select(d => $"{d.Severity} {d.Subject} {d.Reason}"));
        Assert.Equal(
            "invalid, keeping the 0 objects it had before: document 1 (starting at line 1): line 3: expected a mapping (key: value), found a single value.",
            _problems.Current[0].Message);
        Assert.Contains("'spec.prots'", _problems.Current[1].Message, StringComparison.Ordinal);

        Write("a-broken.yaml", GoodService.Replace("web", "fixed", StringComparison.Ordinal));
        File.Delete(Path.Combine(_folder, "b-typo.yaml"));
        await source.ReloadAsync(CancellationToken.None);

        Assert.Equal([$"ManifestFile/{Path.Combine("nested", "c-app.yaml")}"], _problems.Current.Select(d => d.Subject.ToString()));
        Assert.All(_problems.Current, d => Assert.Equal(DiagnosticSeverity.Info, d.Severity));
    }

    private ManifestFolderSource Source() => new(
        Options.Create(new ManifestFolderOptions { Directory = _folder, UseFileSystemWatcher = false }),
        new ResourceStore(Options.Create(new ResourceStoreOptions()), TimeProvider.System),
        new CapturingLogger<ManifestFolderSource>(),
        problems: _problems);

    private void Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
