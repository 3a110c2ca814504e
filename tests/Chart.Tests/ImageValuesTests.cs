namespace Plexus.Chart.Tests;

/// <summary>No Plexus image is published: the chart has no default image and says how to get one.</summary>
public class ImageValuesTests
{
    [Fact]
    public async Task Install_without_image_repository_fails_and_says_how_to_build_and_pass_the_image()
    {
        var result = await Helm.TemplateWithoutImageAsync([]);

        Assert.True(result.ExitCode != 0, result.Describe());
        Assert.Contains("image.repository is required", result.Error, StringComparison.Ordinal);
        Assert.Contains("Dockerfile", result.Error, StringComparison.Ordinal);
        Assert.Contains("--set image.repository=", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_image_repository_fails_like_a_missing_one()
    {
        var result = await Helm.TemplateWithoutImageAsync(["--set", "image.repository="]);

        Assert.True(result.ExitCode != 0, result.Describe());
        Assert.Contains("image.repository is required", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repository_and_tag_passed_at_install_are_the_controller_image()
    {
        var manifest = await Helm.RenderAsync("--set", "image.repository=registry.example.com/team/plexus-ingress", "--set", "image.tag=1.2.3");

        Assert.Equal("registry.example.com/team/plexus-ingress:1.2.3", PodSpecs.Controller(manifest).Image);
    }
}
