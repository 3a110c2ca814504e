namespace Plexus.Chart.Tests;

public class ChartLintTests
{
    public static TheoryData<string?> AllValuesFiles()
    {
        var data = new TheoryData<string?> { (string?)null };
        foreach (var file in Directory.GetFiles(RepositoryPaths.ChartCiValues, "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllValuesFiles))]
    public async Task Helm_lint_strict_passes(string? ciValuesFile)
    {
        List<string> args = ["lint", "--strict", RepositoryPaths.Chart];
        if (ciValuesFile is not null)
        {
            args.AddRange(["--values", Path.Combine(RepositoryPaths.ChartCiValues, ciValuesFile)]);
        }

        var result = await Helm.RunAsync(args);

        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("0 chart(s) failed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_values_file_of_the_ci_folder_is_used_by_a_test()
    {
        var files = Directory.GetFiles(RepositoryPaths.ChartCiValues, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal([ValuesFiles.DaemonSetNodePort, ValuesFiles.FullFeatures, ValuesFiles.NamespaceScope], files);
    }
}

/// <summary>The values files in charts/plexus-ingress/ci (chart-testing's convention).</summary>
internal static class ValuesFiles
{
    public const string DaemonSetNodePort = "daemonset-nodeport-values.yaml";
    public const string FullFeatures = "full-features-values.yaml";
    public const string NamespaceScope = "namespace-scope-values.yaml";
}
