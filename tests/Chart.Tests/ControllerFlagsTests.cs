using Plexus.Controller.Cli;

namespace Plexus.Chart.Tests;

/// <summary>Every flag the chart passes is one the controller accepts.</summary>
public class ControllerFlagsTests
{
    public static TheoryData<string[]> Renderings() => new()
    {
        Array.Empty<string>(),
        new[] { "--values", Path.Combine(RepositoryPaths.ChartCiValues, ValuesFiles.FullFeatures) },
        new[] { "--values", Path.Combine(RepositoryPaths.ChartCiValues, ValuesFiles.NamespaceScope) },
        new[] { "--values", Path.Combine(RepositoryPaths.ChartCiValues, ValuesFiles.DaemonSetNodePort) },
        new[] { "--set", "service.enabled=false", "--set", "controller.publishAddress=lb.example.com", "--set", "controller.allowExternalName=true" },
        new[] { "--set", "controller.limits.maxRequestHeaderBytes=1048576", "--set", "controller.limits.requestHeadersTimeoutSeconds=3600" },
        new[] { "--set", "controller.logLevel=debug" },
    };

    [Theory]
    [MemberData(nameof(Renderings))]
    public async Task Controller_accepts_every_rendered_flag_that_exists(string[] helmArgs)
    {
        var manifest = await Helm.RenderAsync(helmArgs);
        var args = PodSpecs.Args(manifest);

        var parsed = CommandLine.Parse(args);

        Assert.Equal(CommandLine.Serve, parsed.Command);
        Assert.Equal(args.Select(FlagName).Distinct().Count(), parsed.Settings.Count);
    }

    private static string FlagName(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? arg : arg[..equals];
    }
}
