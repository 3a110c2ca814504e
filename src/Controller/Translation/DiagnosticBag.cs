using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Collects the diagnostics of one build. Identical diagnostics collapse into one (ten paths naming the same
/// missing Service give one message), and the output order is fixed so equal input gives equal snapshots.
/// </summary>
public sealed class DiagnosticBag
{
    private readonly HashSet<Diagnostic> _items = [];

    public int Count => _items.Count;

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    public void Add(DiagnosticSeverity severity, ObjectRef subject, string reason, string message) =>
        _items.Add(new Diagnostic(severity, subject, reason, message));

    public void AddRange(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            _items.Add(diagnostic);
        }
    }

    public ImmutableArray<Diagnostic> ToSortedArray()
    {
        var array = _items.ToArray();
        Array.Sort(array, DiagnosticOrder.Instance);
        return ImmutableArray.Create(array);
    }
}

/// <summary>Total order of diagnostics: subject, reason, message, severity (all ordinal).</summary>
public sealed class DiagnosticOrder : IComparer<Diagnostic>
{
    public static DiagnosticOrder Instance { get; } = new();

    public int Compare(Diagnostic? x, Diagnostic? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var c = string.CompareOrdinal(x.Subject.Kind, y.Subject.Kind);
        if (c == 0)
        {
            c = string.CompareOrdinal(x.Subject.Namespace, y.Subject.Namespace);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Subject.Name, y.Subject.Name);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Reason, y.Reason);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Message, y.Message);
        }

        return c != 0 ? c : x.Severity.CompareTo(y.Severity);
    }
}
