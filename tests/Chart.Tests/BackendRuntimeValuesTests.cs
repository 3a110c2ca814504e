namespace Plexus.Chart.Tests;

/// <summary>Backend timeouts and inline socket completions: chart values → controller flags and environment.</summary>
public class BackendRuntimeValuesTests
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    [Fact]
    public async Task Defaults_render_the_controller_defaults_and_leave_inline_completions_off()
    {
        var manifest = await Helm.RenderAsync();

        Assert.Equal("5s", PodSpecs.Flag(manifest, "--backend-connect-timeout"));
        Assert.Equal("60s", PodSpecs.Flag(manifest, "--backend-read-timeout"));
        Assert.Equal("90s", PodSpecs.Flag(manifest, "--backend-idle-timeout"));
        Assert.DoesNotContain(PodSpecs.Controller(manifest).Env, e => e.Name == InlineCompletions);
    }

    [Fact]
    public async Task Values_set_the_timeouts_and_opt_in_to_inline_completions()
    {
        var manifest = await Helm.RenderAsync(
            "--set", "controller.backend.connectTimeout=2s",
            "--set", "controller.backend.readTimeout=5m",
            "--set", "controller.backend.idleTimeout=500ms",
            "--set", "controller.inlineSocketCompletions=true");

        Assert.Equal("2s", PodSpecs.Flag(manifest, "--backend-connect-timeout"));
        Assert.Equal("5m", PodSpecs.Flag(manifest, "--backend-read-timeout"));
        Assert.Equal("500ms", PodSpecs.Flag(manifest, "--backend-idle-timeout"));
        Assert.Equal("1", Assert.Single(PodSpecs.Controller(manifest).Env, e => e.Name == InlineCompletions).Value);
    }
}
