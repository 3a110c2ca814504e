using Plexus.Proxy.Model;

namespace Plexus.Controller.Sources;

public static class SourceDiagnosticsExtensions
{
    /// <summary>The current problems of every registered <see cref="ISourceDiagnostics"/> (none in Kubernetes mode).</summary>
    public static IEnumerable<Diagnostic> SourceDiagnostics(this IServiceProvider services) =>
        services.GetServices<ISourceDiagnostics>().SelectMany(s => s.Current);
}
