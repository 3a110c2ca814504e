using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Collects the diagnostics of one build. Identical diagnostics collapse into one (ten paths naming the same
/// missing Service give one message), and the output order is fixed so equal input gives equal snapshots.
/// Duplicates are removed after sorting (the order is total, so equal items end up adjacent) rather than by
/// hashing every message on the way in.
/// </summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    /// <summary>Number of diagnostics added, duplicates included.</summary>
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
        _items.Sort(DiagnosticOrder.Instance);
        var result = ImmutableArray.CreateBuilder<Diagnostic>(_items.Count);
        foreach (var item in _items)
        {
            if (result.Count == 0 || DiagnosticOrder.Instance.Compare(result[^1], item) != 0)
            {
                result.Add(item);
            }
        }

        return result.DrainToImmutable();
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
