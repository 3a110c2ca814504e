using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using YamlDotNet.RepresentationModel;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// Finds the fields of a YAML document that its Kubernetes model type does not have. The YAML reader drops them
/// silently (as the API server prunes unknown fields), so a typo such as <c>pathtype</c> for <c>pathType</c> would
/// otherwise just not take effect. Pure; field names come from the model's JSON names, the wire names.
/// </summary>
public static class UnknownFieldFinder
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, Type>?> FieldsByType = new();

    /// <summary>An unknown field: its path ("spec.rules[0].http.paths[0].pathtype"), its 1-based line in the document, and a known field it likely meant.</summary>
    public sealed record UnknownField(string Path, int Line, string? DidYouMean);

    /// <summary>The unknown fields of <paramref name="document"/> (one YAML document) read as <paramref name="modelType"/>.</summary>
    public static IReadOnlyList<UnknownField> Find(string document, Type modelType)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(modelType);
        var stream = new YamlStream();
        using (var reader = new StringReader(document))
        {
            stream.Load(reader);
        }

        var found = new List<UnknownField>();
        if (stream.Documents.Count > 0)
        {
            Walk(stream.Documents[0].RootNode, modelType, string.Empty, found);
        }

        return found;
    }

    /// <summary>
    /// Whether the JSON of a document has a field <paramref name="modelType"/> does not have: the same walk as
    /// <see cref="Find"/> without paths and lines, so that the YAML, which <see cref="Find"/> reads a second time, is
    /// only read again for the rare document that has one.
    /// </summary>
    public static bool HasUnknownFields(ReadOnlyMemory<byte> json, Type modelType)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        using var document = JsonDocument.Parse(json);
        return HasUnknown(document.RootElement, modelType);
    }

    private static bool HasUnknown(JsonElement node, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ElementType(type) is { } element)
        {
            return node.ValueKind == JsonValueKind.Array && node.EnumerateArray().Any(child => HasUnknown(child, element));
        }

        if (DictionaryValueType(type) is { } value)
        {
            return node.ValueKind == JsonValueKind.Object && node.EnumerateObject().Any(child => HasUnknown(child.Value, value));
        }

        if (node.ValueKind != JsonValueKind.Object || Fields(type) is not { } fields)
        {
            return false;
        }

        foreach (var property in node.EnumerateObject())
        {
            if (!fields.TryGetValue(property.Name, out var fieldType) || HasUnknown(property.Value, fieldType))
            {
                return true;
            }
        }

        return false;
    }

    private static void Walk(YamlNode node, Type type, string path, List<UnknownField> found)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ElementType(type) is { } element)
        {
            if (node is YamlSequenceNode sequence)
            {
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Walk(sequence.Children[i], element, $"{path}[{i}]", found);
                }
            }

            return;
        }

        if (DictionaryValueType(type) is { } value)
        {
            if (node is YamlMappingNode map)
            {
                foreach (var (key, child) in map.Children)
                {
                    Walk(child, value, $"{path}[{(key as YamlScalarNode)?.Value}]", found);
                }
            }

            return;
        }

        if (node is not YamlMappingNode mapping || Fields(type) is not { } fields)
        {
            return;
        }

        foreach (var (key, child) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                continue;
            }

            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            if (fields.TryGetValue(name, out var fieldType))
            {
                Walk(child, fieldType, childPath, found);
            }
            else
            {
                var suggestion = fields.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                found.Add(new UnknownField(childPath, (int)key.Start.Line, suggestion));
            }
        }
    }

    /// <summary>The JSON field names of a model type and their types; null for types that are not objects with fields (strings, numbers, IntOrString, quantities).</summary>
    private static IReadOnlyDictionary<string, Type>? Fields(Type type) => FieldsByType.GetOrAdd(type, static t =>
    {
        var fields = t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name, p.PropertyType))
            .Where(f => f.Name is not null)
            .ToDictionary(f => f.Name!, f => f.PropertyType, StringComparer.Ordinal);
        return fields.Count == 0 ? null : fields;
    });

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[]))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IList<>) || definition == typeof(List<>) || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyList<>))
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            ? type.GetGenericArguments()[1]
            : null;
}
