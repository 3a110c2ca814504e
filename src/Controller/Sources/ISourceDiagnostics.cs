using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Sources;

/// <summary>
/// Problems a resource source found in its input that never became objects, so the translator cannot see them (a
/// manifest file that does not parse, a skipped kind, an unknown field). Shown next to the snapshot's diagnostics.
/// </summary>
public interface ISourceDiagnostics
{
    /// <summary>The problems as of the source's last read, in a stable order.</summary>
    ImmutableArray<Diagnostic> Current { get; }
}
