namespace Plexus.Proxy.Model;

public enum DiagnosticSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>The Kubernetes object a diagnostic concerns.</summary>
public sealed record ObjectRef(string Kind, string? Namespace, string Name)
{
    public override string ToString() => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}

/// <summary>Something wrong with the input, gathered while building a snapshot; it degrades only its own routes.</summary>
/// <param name="Severity">How bad.</param>
/// <param name="Subject">The object concerned.</param>
/// <param name="Reason">A CamelCase reason, as in Kubernetes Events (e.g. "ServiceNotFound").</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record Diagnostic(DiagnosticSeverity Severity, ObjectRef Subject, string Reason, string Message);
