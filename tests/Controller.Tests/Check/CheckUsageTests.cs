using Plexus.Controller.Cli;

namespace Plexus.Controller.Tests.Check;

public class CheckUsageTests
{
    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["--bogus"], "unknown flag '--bogus'" },
        { ["--output", "xml"], "--output must be one of table, json, not 'xml'" },
        { ["--output"], "--output needs a value" },
        { ["--manifests", "a", "--kubeconfig", "b"], "--manifests and --kubeconfig exclude each other" },
        { ["--probe=maybe"], "--probe takes true or false" },
        { ["--probe-timeout", "0"], "--probe-timeout must be a number of seconds" },
        { ["--timeout", "soon"], "--timeout must be a number of seconds" },
        { ["--watch-namespace", "x"], "unknown flag '--watch-namespace'" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task Usage_errors_exit_2_with_a_message(string[] args, string expected)
    {
        var run = await CheckRun.RunAsync(args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Fact]
    public async Task Missing_folder_exits_2()
    {
        var folder = Path.Combine(Path.GetTempPath(), "plexus-check-missing-" + Guid.NewGuid().ToString("N"));

        var run = await CheckRun.RunAsync("--manifests", folder);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"Manifest folder '{folder}' (--manifests) does not exist", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_the_check_usage_and_exits_0()
    {
        var run = await CheckRun.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("usage: Plexus.Controller check", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("--probe", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("exit codes: 0", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_flags_become_check_settings_and_serve_is_unchanged()
    {
        var check = CommandLine.Parse(["check", "--manifests", "dir", "--probe", "--output=json", "--namespace", "ns"]);
        var serve = CommandLine.Parse(["--manifests", "dir", "--http-port", "9090", "--allow-external-name"]);

        Assert.Equal(CommandLine.Check, check.Command);
        Assert.Equal("dir", check.Settings["Plexus:Check:Manifests"]);
        Assert.Equal("true", check.Settings["Plexus:Check:Probe"]);
        Assert.Equal("json", check.Settings["Plexus:Check:Output"]);
        Assert.Equal("ns", check.Settings["Plexus:Check:Namespace"]);
        Assert.Equal(CommandLine.Serve, serve.Command);
        Assert.Equal(
            new Dictionary<string, string?> { ["Plexus:Manifests"] = "dir", ["Plexus:HttpPort"] = "9090", ["Plexus:AllowExternalName"] = "true" },
            serve.Settings.ToDictionary(kv => kv.Key, kv => kv.Value));
        Assert.Throws<CommandLineException>(() => CommandLine.Parse(["serve", "--probe"]));
        Assert.Throws<CommandLineException>(() => CommandLine.Parse(["--http-port", "70000"]));
    }
}
