using System.Reflection;
using System.Runtime.InteropServices;

namespace Plexus.Controller.Hosting;

/// <summary>What this build of Plexus is: its version, the commit it was built from and the .NET it runs on.</summary>
/// <param name="Version">The version (Directory.Build.props), e.g. "0.1.0".</param>
/// <param name="Commit">The git commit the SDK recorded at build time (short form), or "unknown" outside a git checkout.</param>
/// <param name="Dotnet">The runtime, e.g. ".NET 10.0.1".</param>
public sealed record BuildInfo(string Version, string Commit, string Dotnet)
{
    /// <summary>The build of the running Plexus.Controller assembly.</summary>
    public static BuildInfo Current { get; } = From(typeof(BuildInfo).Assembly);

    /// <summary>"plexus 0.1.0 (commit 1a2b3c4d5e6f, .NET 10.0.1)", as <c>--version</c> prints it.</summary>
    public override string ToString() => $"plexus {Version} (commit {Commit}, {Dotnet})";

    public static BuildInfo From(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return Parse(assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0");
    }

    /// <summary>From an informational version as the SDK writes it: "0.1.0+&lt;commit&gt;".</summary>
    public static BuildInfo Parse(string informational)
    {
        ArgumentNullException.ThrowIfNull(informational);
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? informational : informational[..plus];
        var commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        return new BuildInfo(version, commit.Length > 12 ? commit[..12] : commit, RuntimeInformation.FrameworkDescription);
    }
}
