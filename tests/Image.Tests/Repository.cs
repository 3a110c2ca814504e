namespace Plexus.Image.Tests;

/// <summary>The repository these tests run from, found above the test assembly's folder.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ingress.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Ingress.sln not found above {AppContext.BaseDirectory}");
    }
}
