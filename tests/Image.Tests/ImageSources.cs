using System.Security.Cryptography;
using System.Text;

namespace Plexus.Image.Tests;

/// <summary>
/// A digest of what the image is built from (src/ without build output, the props files, .editorconfig, the
/// Dockerfile), computed as deploy/image/build.sh computes it for the image's label: sha256 of the lines
/// <c>sha256sum</c> prints for those files, in byte order of their paths. Equal digests mean the image is of this tree.
/// </summary>
internal static class ImageSources
{
    public const string Label = "plexus.dev/sources-sha256";

    private static readonly string[] RootFiles = ["Directory.Build.props", "Directory.Packages.props", ".editorconfig", "Dockerfile"];

    public static string Digest(string repositoryRoot)
    {
        var paths = Directory.EnumerateFiles(Path.Combine(repositoryRoot, "src"), "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(repositoryRoot, p).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => !p.Contains("/bin/", StringComparison.Ordinal) && !p.Contains("/obj/", StringComparison.Ordinal))
            .Concat(RootFiles)
            .Order(StringComparer.Ordinal);
        var lines = new StringBuilder();
        foreach (var path in paths)
        {
            using var file = File.OpenRead(Path.Combine(repositoryRoot, path));
            lines.Append(Convert.ToHexStringLower(SHA256.HashData(file))).Append("  ").Append(path).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
    }
}
