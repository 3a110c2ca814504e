namespace Plexus.Chart.Tests;

/// <summary>Where the repository, the chart and the installed tools are, found from the test assembly's folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Chart => Path.Combine(Root, "charts", "plexus-ingress");

    public static string ChartCiValues => Path.Combine(Chart, "ci");

    public static string DeployManifest => Path.Combine(Root, "deploy", "plexus-ingress.yaml");

    public static string Examples => Path.Combine(Root, "deploy", "examples");

    public static string Helm => Tool("helm");

    // Only the binaries .ci/install-tools.sh installs: a helm or kubectl on PATH may be any version.
    private static string Tool(string name)
    {
        var path = Path.Combine(Root, ".tools", "bin", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run bash test.sh (the README's test command), or .ci/install-tools.sh, which installs helm and kubectl into .tools/bin.");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ingress.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Ingress.sln above {AppContext.BaseDirectory}");
    }
}
