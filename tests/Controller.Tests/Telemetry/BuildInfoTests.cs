using Plexus.Controller.Cli;
using Plexus.Controller.Hosting;

namespace Plexus.Controller.Tests.Telemetry;

public sealed class BuildInfoTests
{
    [Fact]
    public async Task Build_info_metric_names_the_version_commit_and_runtime()
    {
        await using var plexus = await PlexusAppHarness.StartAsync();
        var build = BuildInfo.Current;

        await plexus.ScrapeUntilAsync("plexus_build_info", 1, ("version", build.Version), ("commit", build.Commit), ("dotnet", build.Dotnet));

        Assert.Equal("0.1.0", build.Version);
        Assert.StartsWith(".NET ", build.Dotnet, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("version")]
    public void Version_is_a_command_of_its_own(string arg)
    {
        Assert.Equal(CommandLine.Version, CommandLine.Parse([arg]).Command);
        Assert.Throws<CommandLineException>(() => CommandLine.Parse([arg, "--http-port", "1"]));
    }

    [Theory]
    [InlineData("0.1.0+0123456789abcdef0123", "0.1.0", "0123456789ab")]
    [InlineData("0.2.0", "0.2.0", "unknown")]
    public void Informational_version_splits_into_version_and_short_commit(string informational, string version, string commit)
    {
        var info = BuildInfo.Parse(informational);

        Assert.Equal(version, info.Version);
        Assert.Equal(commit, info.Commit);
        Assert.Equal($"plexus {version} (commit {commit}, {info.Dotnet})", info.ToString());
    }
}
