using System.Diagnostics;

namespace Plexus.Chart.Tests;

/// <summary>Output of one helm run.</summary>
internal sealed record HelmResult(int ExitCode, string Output, string Error)
{
    public string Describe() => $"helm exited {ExitCode}\nstderr:\n{Error}\nstdout:\n{Output}";
}

/// <summary>Runs the real helm binary on the chart.</summary>
internal static class Helm
{
    public const string ReleaseName = "plexus";

    public const string ReleaseNamespace = "plexus-system";

    /// <summary>The image repository of <see cref="InstallValuesFile"/>.</summary>
    public const string ImageRepository = "plexus-ingress";

    /// <summary>
    /// install-values.yaml: what an install must set (the chart has no default image), as deploy/render.sh sets it.
    /// Passed first, so values files and --set given after it win.
    /// </summary>
    public static string InstallValuesFile { get; } = Path.Combine(AppContext.BaseDirectory, "install-values.yaml");

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>
    /// <c>helm template plexus charts/plexus-ingress --namespace plexus-system --values install-values.yaml</c> plus
    /// <paramref name="extraArgs"/>.
    /// </summary>
    public static Task<HelmResult> TemplateAsync(params string[] extraArgs) =>
        TemplateWithoutImageAsync(["--values", InstallValuesFile, .. extraArgs]);

    /// <summary><c>helm template plexus charts/plexus-ingress --namespace plexus-system</c> plus <paramref name="args"/> only.</summary>
    public static Task<HelmResult> TemplateWithoutImageAsync(IReadOnlyList<string> args) =>
        RunAsync(["template", ReleaseName, RepositoryPaths.Chart, "--namespace", ReleaseNamespace, .. args]);

    /// <summary>Renders and fails the test with helm's message when helm fails.</summary>
    public static async Task<RenderedManifest> RenderAsync(params string[] extraArgs)
    {
        var result = await TemplateAsync(extraArgs);
        Assert.True(result.ExitCode == 0, result.Describe());
        return RenderedManifest.Parse(result.Output);
    }

    /// <summary>Renders with one of the values files in charts/plexus-ingress/ci.</summary>
    public static Task<RenderedManifest> RenderWithValuesFileAsync(string ciValuesFile) =>
        RenderAsync("--values", Path.Combine(RepositoryPaths.ChartCiValues, ciValuesFile));

    public static async Task<HelmResult> RunAsync(IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(RepositoryPaths.Helm)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // helm must not read or write the user's helm configuration, nor any kubeconfig.
        var home = Path.Combine(Path.GetTempPath(), "plexus-chart-tests-helm");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(home, "config");
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(home, "cache");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(home, "data");
        start.Environment["KUBECONFIG"] = Path.Combine(home, "no-kubeconfig");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("helm did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"helm {string.Join(' ', args)} did not finish within {Timeout}");
        }

        return new HelmResult(process.ExitCode, await output, await error);
    }
}
