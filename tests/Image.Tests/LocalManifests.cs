using System.Runtime.Versioning;

namespace Plexus.Image.Tests;

/// <summary>
/// A copy of deploy/local/manifests (the README's local mode) in a temporary folder the container's non-root user can
/// read, with the HTTP/1.1 backend's port (19001) replaced by a test backend's.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class LocalManifests : IDisposable
{
    private const string LocalH1Port = "19001";

    private LocalManifests(string directory) => Directory = directory;

    public string Directory { get; }

    public static LocalManifests CopyWithH1BackendPort(int port)
    {
        var source = Path.Combine(Repository.Root, "deploy", "local", "manifests");
        var target = System.IO.Directory.CreateTempSubdirectory("plexus-image-manifests-").FullName;
        // The container runs as uid 1654; the temporary folder is created 0700 for root.
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                     UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var replaced = false;
        foreach (var file in System.IO.Directory.GetFiles(source, "*.yaml"))
        {
            var yaml = File.ReadAllText(file);
            replaced |= yaml.Contains(LocalH1Port, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(target, Path.GetFileName(file)), yaml.Replace(LocalH1Port, port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        Assert.True(replaced, $"deploy/local/manifests no longer points a backend at port {LocalH1Port}; update {nameof(LocalManifests)}");
        return new LocalManifests(target);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
