using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// The problems of each manifest file at its last read, reported by <see cref="ManifestFolderSource"/> and shown as
/// diagnostics on the file (subject kind <see cref="SubjectKind"/>, name: the path in the folder). Written by the one
/// reading source, read by any thread.
/// </summary>
public sealed class ManifestProblems : ISourceDiagnostics
{
    /// <summary>The subject kind of a manifest file's diagnostics.</summary>
    public const string SubjectKind = "ManifestFile";

    public const string InvalidReason = "ManifestInvalid";
    public const string UnreadableReason = "ManifestUnreadable";
    public const string KindIgnoredReason = "ManifestKindIgnored";
    public const string KindNotReadReason = "ManifestKindNotRead";
    public const string UnknownFieldReason = "ManifestFieldUnknown";

    private volatile State _state = new(ImmutableSortedDictionary.Create<string, ImmutableArray<ManifestProblem>>(StringComparer.Ordinal), []);

    /// <summary>Every file with problems, by its path in the folder.</summary>
    public ImmutableSortedDictionary<string, ImmutableArray<ManifestProblem>> ByFile => _state.ByFile;

    public ImmutableArray<Diagnostic> Current => _state.Diagnostics;

    /// <summary>Replaces what is known about <paramref name="file"/> (a path in the folder) with <paramref name="problems"/>.</summary>
    public void Report(string file, IReadOnlyList<ManifestProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(problems);
        var byFile = problems.Count == 0 ? _state.ByFile.Remove(file) : _state.ByFile.SetItem(file, [.. problems]);
        Publish(byFile);
    }

    /// <summary>Forgets every file not in <paramref name="files"/> (deleted since).</summary>
    public void Retain(IEnumerable<string> files)
    {
        var keep = files.ToHashSet(StringComparer.Ordinal);
        Publish(_state.ByFile.RemoveRange(_state.ByFile.Keys.Where(f => !keep.Contains(f)).ToList()));
    }

    private void Publish(ImmutableSortedDictionary<string, ImmutableArray<ManifestProblem>> byFile)
    {
        if (ReferenceEquals(byFile, _state.ByFile))
        {
            return;
        }

        var diagnostics = byFile
            .SelectMany(f => f.Value.Select(p => new Diagnostic(Severity(p.Kind), new ObjectRef(SubjectKind, null, f.Key), Reason(p.Kind), p.Message)))
            .ToImmutableArray();
        _state = new State(byFile, diagnostics);
    }

    private static DiagnosticSeverity Severity(ManifestProblemKind kind) => kind switch
    {
        ManifestProblemKind.InvalidFile => DiagnosticSeverity.Error,
        ManifestProblemKind.IgnoredKind => DiagnosticSeverity.Info,
        _ => DiagnosticSeverity.Warning,
    };

    private static string Reason(ManifestProblemKind kind) => kind switch
    {
        ManifestProblemKind.InvalidFile => InvalidReason,
        ManifestProblemKind.UnreadableFile => UnreadableReason,
        ManifestProblemKind.IgnoredKind => KindIgnoredReason,
        ManifestProblemKind.UnreadKind => KindNotReadReason,
        _ => UnknownFieldReason,
    };

    private sealed record State(ImmutableSortedDictionary<string, ImmutableArray<ManifestProblem>> ByFile, ImmutableArray<Diagnostic> Diagnostics);
}
