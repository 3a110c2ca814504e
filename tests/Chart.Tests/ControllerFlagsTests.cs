using Plexus.Controller.Cli;

namespace Plexus.Chart.Tests;

/// <summary>Every flag the chart passes is one the controller accepts (or one still being built, listed below).</summary>
public class ControllerFlagsTests
{
    /// <summary>
    /// Flags the chart renders that the controller does not parse yet (issue 5: status, metrics, shutdown).
    /// A test fails as soon as one of them exists, so that it leaves this list and gets checked like the others.
    /// </summary>
    private static readonly HashSet<string> Pending = new(StringComparer.Ordinal)
    {
        "--default-ssl-certificate",
    };

    public static TheoryData<string[]> Renderings() => new()
    {
        Array.Empty<string>(),
        new[] { "--values", Path.Combine(RepositoryPaths.ChartCiValues, ValuesFiles.FullFeatures) },
        new[] { "--values", Path.Combine(RepositoryPaths.ChartCiValues, ValuesFiles.NamespaceScope) },
        new[] { "--values", Path.Combine(RepositoryPaths.ChartCiValues, ValuesFiles.DaemonSetNodePort) },
        new[] { "--set", "service.enabled=false", "--set", "controller.publishAddress=lb.example.com", "--set", "controller.allowExternalName=true" },
    };

    [Theory]
    [MemberData(nameof(Renderings))]
    public async Task Controller_accepts_every_rendered_flag_that_exists(string[] helmArgs)
    {
        var manifest = await Helm.RenderAsync(helmArgs);
        var args = PodSpecs.Args(manifest);

        var known = args.Where(a => !Pending.Contains(FlagName(a))).ToList();
        var parsed = CommandLine.Parse(known);

        Assert.Equal(CommandLine.Serve, parsed.Command);
        Assert.Equal(known.Select(FlagName).Distinct().Count(), parsed.Settings.Count);
    }

    [Fact]
    public void Pending_flags_are_still_unknown_to_the_controller()
    {
        foreach (var flag in Pending)
        {
            var error = Record.Exception(() => CommandLine.Parse([flag + "=x"]));
            Assert.True(
                error is CommandLineException && error.Message.StartsWith($"unknown flag '{flag}'", StringComparison.Ordinal),
                $"{flag} exists now: remove it from ControllerFlagsTests.Pending so the chart's use of it is checked ({error?.Message})");
        }
    }

    private static string FlagName(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? arg : arg[..equals];
    }
}
