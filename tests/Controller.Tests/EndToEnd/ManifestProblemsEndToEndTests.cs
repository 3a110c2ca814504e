using System.Text.Json;
using Plexus.Controller.Tests.Check;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>Rejected manifest files and unknown fields show up where users look: the admin API, the dashboard's data and check.</summary>
public sealed class ManifestProblemsEndToEndTests : IDisposable
{
    private const string Broken = "apiVersion: v1\nkind: Service\nmetadata: 5\n";
    private const string Typo = "apiVersion: v1\nkind: Service\nmetadata: {name: typo}\nspec: {prots: [{port: 80}]}\n";
    private readonly string _folder = Directory.CreateTempSubdirectory("plexus-problems-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Snapshot_and_dashboard_list_manifest_problems_until_the_file_is_fixed()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "class.yaml"), ManifestYaml.IngressClass);
        await File.WriteAllTextAsync(Path.Combine(_folder, "broken.yaml"), Broken);
        await File.WriteAllTextAsync(Path.Combine(_folder, "typo.yaml"), Typo);
        await using var plexus = await PlexusUnderTest.StartAsync(new Dictionary<string, string?> { ["Plexus:Manifests"] = _folder });
        await plexus.WaitUntilReadyAsync();

        foreach (var path in new[] { "/api/snapshot", "/api/dashboard" })
        {
            var diagnostics = Diagnostics(await plexus.AdminJsonAsync(path));
            Assert.Contains(("Error", "ManifestFile/broken.yaml", "ManifestInvalid"), diagnostics.Select(d => (d.Severity, d.Subject, d.Reason)));
            var typo = Assert.Single(diagnostics, d => d.Subject == "ManifestFile/typo.yaml");
            Assert.Equal("ManifestFieldUnknown", typo.Reason);
            Assert.Contains("unknown field 'spec.prots'", typo.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(diagnostics, d => d.Message.Contains("System.", StringComparison.Ordinal));
        }

        await File.WriteAllTextAsync(Path.Combine(_folder, "broken.yaml"), "# emptied\n");
        await Eventually.UntilAsync(
            async () => !Diagnostics(await plexus.AdminJsonAsync("/api/snapshot")).Any(d => d.Subject == "ManifestFile/broken.yaml"),
            because: "the fixed file's problem is gone after the re-read");
    }

    [Fact]
    public async Task Check_lists_unknown_fields_and_names_a_rejected_file_when_it_exits_2()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "typo.yaml"), Typo);

        var run = await CheckRun.RunAsync("--manifests", _folder, "--output", "json");

        // The folder routes nothing (a Service alone): that fails the check; the unknown field is listed either way.
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(run.Json.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("reason").GetString() == "NoIngressOfTheClass");
        var diagnostic = Assert.Single(run.Json.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("reason").GetString() == "ManifestFieldUnknown");
        Assert.Equal("ManifestFile/typo.yaml", diagnostic.GetProperty("subject").GetString());

        await File.WriteAllTextAsync(Path.Combine(_folder, "broken.yaml"), Broken);
        var failed = await CheckRun.RunAsync("--manifests", _folder);

        Assert.True(failed.ExitCode == 2, failed.ToString());
        Assert.Contains("broken.yaml: invalid, keeping the 0 objects it had before: document 1 (starting at line 1): line 3: expected a mapping (key: value), found a single value", failed.Stderr, StringComparison.Ordinal);
    }

    private static List<(string Severity, string Subject, string Reason, string Message)> Diagnostics(JsonElement document) =>
        [.. document.GetProperty("diagnostics").EnumerateArray().Select(d => (
            d.GetProperty("severity").GetString()!,
            d.GetProperty("subject").GetString()!,
            d.GetProperty("reason").GetString()!,
            d.GetProperty("message").GetString()!))];
}
