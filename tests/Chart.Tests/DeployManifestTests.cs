namespace Plexus.Chart.Tests;

/// <summary>deploy/plexus-ingress.yaml is the chart rendered with defaults, for users who install with kubectl.</summary>
public class DeployManifestTests
{
    [Fact]
    public async Task Static_manifest_equals_the_chart_rendered_with_defaults()
    {
        var committed = (await File.ReadAllTextAsync(RepositoryPaths.DeployManifest)).Split('\n');
        var header = committed.TakeWhile(l => l.StartsWith('#')).ToList();
        var result = await Helm.TemplateAsync();
        Assert.True(result.ExitCode == 0, result.Describe());

        Assert.Contains(header, l => l.Contains("helm template plexus charts/plexus-ingress --namespace plexus-system", StringComparison.Ordinal));
        var body = string.Join('\n', committed.Skip(header.Count));
        Assert.True(
            body == result.Output,
            "deploy/plexus-ingress.yaml is out of date with charts/plexus-ingress: run deploy/render.sh and commit the result.");
    }
}
