using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Models;
using Plexus.Controller.Store;
using YamlDotNet.Core;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>The objects Plexus reads from one manifest file, and a description of each document it skipped.</summary>
public sealed record ManifestDocuments(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, IReadOnlyList<string> Ignored)
{
    /// <summary>What a person should know about the file although it was read: skipped kinds, unknown fields.</summary>
    public IReadOnlyList<ManifestProblem> Problems { get; init; } = [];
}

/// <summary>
/// Reads multi-document YAML into the Kubernetes model types Plexus uses. Pure: no I/O, no state.
/// Documents of other kinds are skipped (reported in <see cref="ManifestDocuments.Ignored"/>); anything malformed
/// fails the whole file with a <see cref="ManifestParseException"/>, so a half-edited file never replaces good objects.
/// </summary>
public static class ManifestParser
{
    private static readonly Dictionary<string, Type> SupportedTypes = new(StringComparer.Ordinal)
    {
        ["networking.k8s.io/v1/Ingress"] = typeof(V1Ingress),
        ["networking.k8s.io/v1/IngressClass"] = typeof(V1IngressClass),
        ["v1/Service"] = typeof(V1Service),
        ["discovery.k8s.io/v1/EndpointSlice"] = typeof(V1EndpointSlice),
        ["v1/Secret"] = typeof(V1Secret),
        ["v1/Pod"] = typeof(V1Pod),
    };

    // Read through JSON (see YamlToJson). Secrets and Pods keep YamlDotNet's reading: KubernetesClient's YAML and JSON
    // readers treat byte[] data and quantities differently, and both kinds are few.
    private static readonly Dictionary<string, Func<string, IKubernetesObject<V1ObjectMeta>?>> JsonReaders = new(StringComparer.Ordinal)
    {
        ["networking.k8s.io/v1/Ingress"] = json => KubernetesJson.Deserialize<V1Ingress>(json),
        ["networking.k8s.io/v1/IngressClass"] = json => KubernetesJson.Deserialize<V1IngressClass>(json),
        ["v1/Service"] = json => KubernetesJson.Deserialize<V1Service>(json),
        ["discovery.k8s.io/v1/EndpointSlice"] = json => KubernetesJson.Deserialize<V1EndpointSlice>(json),
    };

    public static ManifestDocuments Parse(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        var ignored = new List<string>();
        var problems = new List<ManifestProblem>();
        var index = 0;
        foreach (var (text, firstLine) in SplitDocuments(content.TrimStart('\uFEFF')))
        {
            index++;
            ParseDocument(text, index, firstLine, objects, ignored, problems);
        }

        return new ManifestDocuments(objects, ignored) { Problems = problems };
    }

    private static void ParseDocument(
        string text, int index, int firstLine, List<IKubernetesObject<V1ObjectMeta>> objects, List<string> ignored, List<ManifestProblem> problems)
    {
        ManifestJsonDocument? json;
        try
        {
            json = YamlToJson.Convert(text);
        }
        catch (YamlException ex)
        {
            throw Problem(index, firstLine, ex);
        }
        catch (NotSupportedException)
        {
            // Aliases, merge keys, tags: YamlDotNet's own reading, slower but complete.
            ParseDocumentWithYamlDotNet(text, index, firstLine, objects, ignored, problems);
            return;
        }

        if (json is null)
        {
            return; // only comments or an empty document
        }

        if (string.IsNullOrEmpty(json.ApiVersion) || string.IsNullOrEmpty(json.Kind))
        {
            throw new ManifestParseException(Where(index, firstLine) + "apiVersion and kind are required.") { Line = firstLine };
        }

        var typeKey = $"{json.ApiVersion}/{json.Kind}";
        if (!SupportedTypes.TryGetValue(typeKey, out var modelType))
        {
            ignored.Add($"{json.ApiVersion} {json.Kind} {json.Name ?? "?"} (document {index}, line {firstLine})");
            problems.Add(NotRead(json.ApiVersion, json.Kind, json.Name ?? "?", index, firstLine));
            return;
        }

        var obj = JsonReaders.TryGetValue(typeKey, out var read) ? TryReadJson(read, json.Json) : null;
        obj ??= ReadWithYamlDotNet(text, typeKey, index, firstLine);
        Normalize(obj, index, firstLine, json.Json);
        objects.Add(obj);
        if (UnknownFieldFinder.HasUnknownFields(json.Json, modelType))
        {
            AddUnknownFields(text, modelType, obj, json.Kind, index, firstLine, problems);
        }
    }

    private static void AddUnknownFields(
        string text, Type modelType, IKubernetesObject<V1ObjectMeta> obj, string kind, int index, int firstLine, List<ManifestProblem> problems)
    {
        foreach (var unknown in UnknownFieldFinder.Find(text, modelType))
        {
            var hint = unknown.DidYouMean is null ? string.Empty : $" (did you mean '{unknown.DidYouMean}'?)";
            var line = firstLine + unknown.Line - 1;
            problems.Add(new ManifestProblem(
                ManifestProblemKind.UnknownField,
                line,
                $"{kind} {obj.Metadata.NamespaceProperty}{(obj.Metadata.NamespaceProperty is null ? string.Empty : "/")}{obj.Metadata.Name} (document {index}, line {line}): unknown field '{unknown.Path}'{hint} is ignored"));
        }
    }

    private static ManifestProblem NotRead(string apiVersion, string kind, string name, int index, int firstLine)
    {
        var where = $"{apiVersion} {kind} {name} (document {index}, line {firstLine})";
        var sameKind = SupportedTypes.Keys.FirstOrDefault(k => k.EndsWith("/" + kind, StringComparison.Ordinal));
        if (sameKind is not null)
        {
            var wanted = sameKind[..sameKind.LastIndexOf('/')];
            return new ManifestProblem(ManifestProblemKind.UnreadKind, firstLine, $"{where} is skipped: Plexus reads {kind} as apiVersion {wanted}; change apiVersion to {wanted}");
        }

        var otherCase = SupportedTypes.Keys.Select(k => k[(k.LastIndexOf('/') + 1)..]).FirstOrDefault(k => string.Equals(k, kind, StringComparison.OrdinalIgnoreCase));
        if (otherCase is not null)
        {
            return new ManifestProblem(ManifestProblemKind.UnreadKind, firstLine, $"{where} is skipped: kinds are case-sensitive, did you mean '{otherCase}'?");
        }

        return new ManifestProblem(
            ManifestProblemKind.IgnoredKind,
            firstLine,
            $"{where} is skipped: Plexus reads only Ingress, IngressClass, Service, EndpointSlice, Secret and Pod");
    }


    /// <summary>
    /// The model object from the document's JSON, or null when System.Text.Json refuses it (a value of another type
    /// than the field's, e.g. an unquoted number in a label): YamlDotNet's reading then decides, leniently, as before.
    /// </summary>
    private static IKubernetesObject<V1ObjectMeta>? TryReadJson(Func<string, IKubernetesObject<V1ObjectMeta>?> read, byte[] json)
    {
        try
        {
            return read(Encoding.UTF8.GetString(json));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    private static IKubernetesObject<V1ObjectMeta> ReadWithYamlDotNet(string text, string typeKey, int index, int firstLine)
    {
        var loaded = LoadWithYamlDotNet(text, index, firstLine);
        return loaded.OfType<IKubernetesObject<V1ObjectMeta>>().FirstOrDefault()
            ?? throw new ManifestParseException(Where(index, firstLine) + $"cannot read the document as {typeKey}.") { Line = firstLine };
    }

    private static void ParseDocumentWithYamlDotNet(
        string text, int index, int firstLine, List<IKubernetesObject<V1ObjectMeta>> objects, List<string> ignored, List<ManifestProblem> problems)
    {
        Dictionary<string, object>? head;
        try
        {
            head = KubernetesYaml.Deserialize<Dictionary<string, object>>(text);
        }
        catch (YamlException ex)
        {
            throw Problem(index, firstLine, ex);
        }

        if (head is null)
        {
            return;
        }

        var apiVersion = head.GetValueOrDefault("apiVersion") as string;
        var kind = head.GetValueOrDefault("kind") as string;
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            throw new ManifestParseException(Where(index, firstLine) + "apiVersion and kind are required.") { Line = firstLine };
        }

        if (!SupportedTypes.TryGetValue($"{apiVersion}/{kind}", out var modelType))
        {
            ignored.Add($"{apiVersion} {kind} {NameOf(head)} (document {index}, line {firstLine})");
            problems.Add(NotRead(apiVersion, kind, NameOf(head), index, firstLine));
            return;
        }

        foreach (var obj in LoadWithYamlDotNet(text, index, firstLine).OfType<IKubernetesObject<V1ObjectMeta>>())
        {
            // No JSON to derive the version from: the serialized object's.
            Normalize(obj, index, firstLine, json: null);
            objects.Add(obj);
            AddUnknownFields(text, modelType, obj, kind, index, firstLine, problems);
        }
    }

    private static List<object> LoadWithYamlDotNet(string text, int index, int firstLine)
    {
        try
        {
            return KubernetesYaml.LoadAllFromString(text, SupportedTypes);
        }
        catch (YamlException ex)
        {
            throw Problem(index, firstLine, ex);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or InvalidOperationException or OverflowException)
        {
            // The model's type converters throw these for values of the wrong shape.
            throw new ManifestParseException(Where(index, firstLine) + ManifestErrorText.ForUser(ex.Message), ex) { Line = firstLine };
        }
    }

    private static void Normalize(IKubernetesObject<V1ObjectMeta> obj, int index, int firstLine, byte[]? json)
    {
        var kind = ResourceKinds.Of(obj);
        var metadata = obj.Metadata ??= new V1ObjectMeta();
        if (string.IsNullOrEmpty(metadata.Name))
        {
            throw new ManifestParseException(Where(index, firstLine) + $"{kind} without metadata.name.") { Line = firstLine };
        }

        if (!ResourceKinds.IsNamespaced(kind))
        {
            metadata.NamespaceProperty = null;
        }
        else if (string.IsNullOrEmpty(metadata.NamespaceProperty))
        {
            metadata.NamespaceProperty = ResourceKinds.DefaultNamespace;
        }

        if (obj is V1Secret { StringData.Count: > 0 } secret)
        {
            // As the API server does: stringData is write-only sugar for data.
            secret.Data ??= new Dictionary<string, byte[]>();
            foreach (var (key, value) in secret.StringData)
            {
                secret.Data[key] = Encoding.UTF8.GetBytes(value);
            }

            secret.StringData = null;
        }

        // A version derived from the content: unchanged documents are no-ops for the store, and a resourceVersion
        // copied into the file (e.g. from kubectl get -o yaml) cannot hide an edit. The document's JSON is that
        // content without comments and layout.
        metadata.ResourceVersion = null;
        var hash = SHA256.HashData(json ?? Encoding.UTF8.GetBytes(KubernetesYaml.Serialize(obj)));
        metadata.ResourceVersion = "manifest-" + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>
    /// Splits on document markers. A line starting with "---" is a document start wherever it appears (YAML does
    /// not allow it inside a scalar), so a line split is exact; it lets one document be skipped or fail on its own.
    /// </summary>
    private static IEnumerable<(string Text, int FirstLine)> SplitDocuments(string content)
    {
        var current = new StringBuilder();
        var firstLine = 1;
        var lineNumber = 0;
        using var reader = new StringReader(content);
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (IsDocumentStart(line) && current.Length > 0)
            {
                yield return (current.ToString(), firstLine);
                current.Clear();
                firstLine = lineNumber;
            }

            current.Append(line).Append('\n');
        }

        if (current.Length > 0)
        {
            yield return (current.ToString(), firstLine);
        }
    }

    private static bool IsDocumentStart(string line) =>
        line.StartsWith("---", StringComparison.Ordinal) && (line.Length == 3 || char.IsWhiteSpace(line[3]));

    private static string NameOf(Dictionary<string, object> head) =>
        head.GetValueOrDefault("metadata") is IDictionary<object, object> metadata && metadata.TryGetValue("name", out var name)
            ? Convert.ToString(name, CultureInfo.InvariantCulture) ?? "?"
            : "?";

    private static string Where(int index, int firstLine) => $"document {index} (starting at line {firstLine}): ";

    private static ManifestParseException Problem(int index, int firstLine, YamlException ex)
    {
        var line = ex.Start.Line > 0 ? firstLine + (int)ex.Start.Line - 1 : firstLine;
        var reason = ManifestErrorText.ForUser(ex.InnerException?.Message ?? ex.Message);
        return new ManifestParseException(Where(index, firstLine) + $"line {line}: {reason}", ex) { Line = line };
    }
}
