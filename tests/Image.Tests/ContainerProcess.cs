using System.Runtime.Versioning;

namespace Plexus.Image.Tests;

/// <summary>
/// What the kernel says about a container's main process, read from the host's /proc (podman runs containers in the
/// host's PID namespace view here: its inspect Pid is a host PID).
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed record ContainerProcess(int EffectiveUid, bool RootIsReadOnly)
{
    public static ContainerProcess Read(long pid)
    {
        // "Uid:\treal\teffective\tsaved\tfs"
        var uidLine = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var effectiveUid = int.Parse(uidLine.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);

        // mountinfo fields: id parent major:minor root mount-point options ...; mount points are relative to the
        // process's root, so "/" is the container's root filesystem (the last one listed is on top).
        var rootOptions = File.ReadLines($"/proc/{pid}/mountinfo")
            .Select(l => l.Split(' '))
            .Last(f => f[4] == "/")[5]
            .Split(',');
        return new ContainerProcess(effectiveUid, rootOptions.Contains("ro", StringComparer.Ordinal));
    }
}
