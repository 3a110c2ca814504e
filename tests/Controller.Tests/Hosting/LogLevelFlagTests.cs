using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Cli;
using Plexus.Controller.Hosting;

namespace Plexus.Controller.Tests.Hosting;

/// <summary>--log-level sets the level of Plexus' own log lines; framework categories keep their quiet defaults.</summary>
public sealed class LogLevelFlagTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("plexus-loglevel-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(null, LogLevel.Information, LogLevel.Debug)]
    [InlineData("debug", LogLevel.Debug, LogLevel.Trace)]
    [InlineData("warning", LogLevel.Warning, LogLevel.Information)]
    public async Task Plexus_categories_log_from_the_chosen_level(string? level, LogLevel enabled, LogLevel disabled)
    {
        string[] args = level is null ? ["--manifests", _folder] : ["--manifests", _folder, "--log-level", level];
        await using var app = PlexusApplication.Create(CommandLine.Parse(args).Settings);

        var factory = app.Services.GetRequiredService<ILoggerFactory>();
        var plexus = factory.CreateLogger("Plexus.Controller.Runtime.SnapshotPipeline");
        var kestrel = factory.CreateLogger("Microsoft.AspNetCore.Server.Kestrel");

        Assert.True(plexus.IsEnabled(enabled));
        Assert.False(plexus.IsEnabled(disabled));
        Assert.False(kestrel.IsEnabled(LogLevel.Information), "framework categories stay quiet");
    }

    [Fact]
    public void An_unknown_level_is_a_one_line_error_naming_the_flag()
    {
        var error = Assert.Throws<CommandLineException>(() => CommandLine.Parse(["--log-level", "loud"]));

        Assert.StartsWith("--log-level must be one of trace, debug, information, warning, error, critical", error.Message, StringComparison.Ordinal);
    }
}
