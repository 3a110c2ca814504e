using System.Text;
using k8s;

namespace Plexus.Chart.Tests;

/// <summary>One document of a rendered manifest: its identity and its YAML text.</summary>
internal sealed record RenderedObject(string ApiVersion, string Kind, string Name, string? Namespace, string Yaml)
{
    /// <summary>The document as a KubernetesClient model type; unknown fields fail (strict).</summary>
    public T As<T>() => KubernetesYaml.Deserialize<T>(Yaml, strict: true);

    public override string ToString() => $"{Kind} {Namespace}/{Name}";
}

/// <summary>A multi-document manifest as helm renders it.</summary>
internal sealed class RenderedManifest
{
    private RenderedManifest(IReadOnlyList<RenderedObject> objects) => Objects = objects;

    public IReadOnlyList<RenderedObject> Objects { get; }

    public static RenderedManifest Parse(string yaml)
    {
        var objects = new List<RenderedObject>();
        foreach (var document in SplitDocuments(yaml))
        {
            var head = KubernetesYaml.Deserialize<Dictionary<string, object>>(document);
            if (head is null)
            {
                continue; // comments only
            }

            var metadata = head.TryGetValue("metadata", out var m) && m is Dictionary<object, object> md
                ? md
                : throw new InvalidOperationException($"document without metadata:\n{document}");
            objects.Add(new RenderedObject(
                (string)head["apiVersion"],
                (string)head["kind"],
                metadata.TryGetValue("name", out var name) && name is string n ? n : throw new InvalidOperationException($"document without metadata.name:\n{document}"),
                metadata.TryGetValue("namespace", out var ns) ? ns as string : null,
                document));
        }

        return new RenderedManifest(objects);
    }

    public IEnumerable<RenderedObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public T Single<T>(string kind) => Assert.Single(OfKind(kind)).As<T>();

    public T Single<T>(string kind, string name) =>
        Assert.Single(OfKind(kind), o => o.Name == name).As<T>();

    public bool Has(string kind) => OfKind(kind).Any();

    private static IEnumerable<string> SplitDocuments(string yaml)
    {
        var current = new StringBuilder();
        foreach (var line in yaml.Split('\n'))
        {
            if (line.TrimEnd() == "---")
            {
                if (current.ToString().Trim().Length > 0)
                {
                    yield return current.ToString();
                }

                current.Clear();
                continue;
            }

            current.Append(line).Append('\n');
        }

        if (current.ToString().Trim().Length > 0)
        {
            yield return current.ToString();
        }
    }
}
