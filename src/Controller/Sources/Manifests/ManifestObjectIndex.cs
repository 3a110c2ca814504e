using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Store;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// The objects each manifest file contributes, and which definition of every object is in force: when files define
/// the same object, the last file in ordinal path order wins (what <c>kubectl apply -f DIR</c> leaves behind, as it
/// applies files in that order); within one file, the last document wins. Turns file changes into the store calls a
/// Kubernetes watch would make: <see cref="IResourceSink.Upsert"/> for an added or changed object,
/// <see cref="IResourceSink.Delete"/> for one no file defines any more, nothing for the others. An object whose
/// content did not change keeps its instance (same instance means unchanged downstream). Not thread-safe.
/// </summary>
internal sealed class ManifestObjectIndex
{
    private readonly Dictionary<string, Dictionary<ManifestObjectIdentity, IKubernetesObject<V1ObjectMeta>>> _byFile = new(StringComparer.Ordinal);
    private readonly Dictionary<ManifestObjectIdentity, Definitions> _byObject = [];
    private readonly HashSet<ManifestObjectIdentity> _touched = [];
    private readonly ILogger _logger;

    public ManifestObjectIndex(ILogger logger) => _logger = logger;

    /// <summary>Objects in force (one per identity).</summary>
    public int Count => _byObject.Count;

    /// <summary>Sets what <paramref name="path"/> contributes; objects equal (same content version) to the file's previous ones keep their previous instance.</summary>
    public void SetFile(string path, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects)
    {
        var previous = _byFile.GetValueOrDefault(path);
        var next = new Dictionary<ManifestObjectIdentity, IKubernetesObject<V1ObjectMeta>>(objects.Count);
        foreach (var obj in objects)
        {
            var kind = ResourceKinds.Of(obj);
            var identity = new ManifestObjectIdentity(kind, ResourceKinds.KeyOf(kind, obj.Metadata));
            next[identity] = previous is not null && previous.TryGetValue(identity, out var old) && SameContent(old, obj) ? old : obj;
        }

        if (previous is not null)
        {
            foreach (var identity in previous.Keys)
            {
                if (!next.ContainsKey(identity))
                {
                    Undefine(identity, path);
                }
            }
        }

        foreach (var (identity, obj) in next)
        {
            if (previous is not null && previous.TryGetValue(identity, out var old) && ReferenceEquals(old, obj))
            {
                continue;
            }

            if (!_byObject.TryGetValue(identity, out var definitions))
            {
                _byObject[identity] = definitions = new Definitions();
            }

            definitions.ByFile[path] = obj;
            _touched.Add(identity);
        }

        if (next.Count == 0)
        {
            _byFile.Remove(path);
        }
        else
        {
            _byFile[path] = next;
        }
    }

    /// <summary>Forgets everything <paramref name="path"/> contributed.</summary>
    public void RemoveFile(string path) => SetFile(path, []);

    /// <summary>
    /// Hands every object in force to the sink as the complete set of its kind (<see cref="IResourceSink.ReplaceAll"/>,
    /// which marks each kind synced): the first publication, like a watch's initial list.
    /// </summary>
    public void PublishAll(IResourceSink sink)
    {
        var byKind = ResourceKinds.All.ToDictionary(k => k, _ => new List<IKubernetesObject<V1ObjectMeta>>());
        foreach (var (identity, definitions) in _byObject.ToList())
        {
            if (Winner(identity, definitions) is not { } winner)
            {
                _byObject.Remove(identity);
                continue;
            }

            definitions.Published = winner;
            byKind[identity.Kind].Add(winner);
        }

        _touched.Clear();
        foreach (var kind in ResourceKinds.All)
        {
            sink.ReplaceAll(kind, byKind[kind]);
        }
    }

    /// <summary>Hands the sink the changes since the last publication; returns how many objects were upserted and deleted.</summary>
    public (int Upserted, int Deleted) PublishChanges(IResourceSink sink)
    {
        int upserted = 0, deleted = 0;
        foreach (var identity in _touched)
        {
            if (!_byObject.TryGetValue(identity, out var definitions))
            {
                continue;
            }

            var winner = Winner(identity, definitions);
            if (winner is null)
            {
                _byObject.Remove(identity);
                if (definitions.Published is not null)
                {
                    sink.Delete(identity.Kind, identity.Key);
                    deleted++;
                }

                continue;
            }

            // Same content from another file (a renamed file, a duplicate taking over) is no change either.
            if (!ReferenceEquals(winner, definitions.Published) && (definitions.Published is null || !SameContent(winner, definitions.Published)))
            {
                sink.Upsert(winner);
                definitions.Published = winner;
                upserted++;
            }
        }

        _touched.Clear();
        return (upserted, deleted);
    }

    private static bool SameContent(IKubernetesObject<V1ObjectMeta> a, IKubernetesObject<V1ObjectMeta> b) =>
        a.GetType() == b.GetType()
        && a.Metadata?.ResourceVersion is { Length: > 0 } version
        && string.Equals(version, b.Metadata?.ResourceVersion, StringComparison.Ordinal);

    private void Undefine(ManifestObjectIdentity identity, string path)
    {
        if (_byObject.TryGetValue(identity, out var definitions) && definitions.ByFile.Remove(path))
        {
            _touched.Add(identity);
        }
    }

    private IKubernetesObject<V1ObjectMeta>? Winner(ManifestObjectIdentity identity, Definitions definitions)
    {
        var files = definitions.ByFile;
        if (files.Count == 0)
        {
            return null;
        }

        if (files.Count > 1)
        {
            _logger.LogWarning(
                "{Object} is defined in {Count} manifest files ({Files}); using the one in {Winner}, the last in ordinal path order",
                identity,
                files.Count,
                string.Join(", ", files.Keys),
                files.Keys[^1]);
        }

        return files.Values[^1];
    }

    /// <summary>The files that define one object (ordinal path order) and the definition the sink has.</summary>
    private sealed class Definitions
    {
        public SortedList<string, IKubernetesObject<V1ObjectMeta>> ByFile { get; } = new(1, StringComparer.Ordinal);

        public IKubernetesObject<V1ObjectMeta>? Published { get; set; }
    }
}
