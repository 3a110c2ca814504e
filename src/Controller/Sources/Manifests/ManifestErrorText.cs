using System.Text.RegularExpressions;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// Rewrites the messages of the YAML reader and the model's converters for the person who wrote the manifest: they
/// speak of .NET types ("Invalid cast from 'System.String' to 'k8s.Models.V1ObjectMeta'") and parser events
/// ("Expected 'MappingStart', got 'SequenceStart'"); the user needs "expected a mapping (key: value), found a single value".
/// </summary>
public static partial class ManifestErrorText
{
    /// <summary>The message in YAML terms, without .NET type or parser event names.</summary>
    public static string ForUser(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var text = InvalidCast().Replace(message, m => $"expected {TypeShape(m.Groups["to"].Value)}, found {TypeShape(m.Groups["from"].Value)}");
        text = ExpectedEvent().Replace(text, m => $"expected {EventShape(m.Groups["expected"].Value)}, found {EventShape(m.Groups["got"].Value)} (column {m.Groups["column"].Value})");
        text = SequenceStart().Replace(text, "found a list where a single value was expected");
        text = MappingStart().Replace(text, "found a mapping (key: value) where a single value was expected");
        text = text.Replace("Arithmetic operation resulted in an overflow.", "the number is out of range.", StringComparison.Ordinal);
        return DotNetTypeName().Replace(text, m => TypeShape(m.Groups["type"].Value));
    }

    private static string TypeShape(string type) =>
        type.Contains("List`1", StringComparison.Ordinal) || type.Contains("Enumerable`1", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) ? "a list"
        : type.Contains("Dictionary`2", StringComparison.Ordinal) || type.StartsWith("k8s.Models.", StringComparison.Ordinal) ? "a mapping (key: value)"
        : type is "System.String" ? "a single value"
        : type is "System.Int32" or "System.Int64" or "System.Double" ? "a number"
        : type is "System.Boolean" ? "true or false"
        : type is "System.DateTime" ? "a timestamp"
        : "a value of another shape";

    private static string EventShape(string parserEvent) => parserEvent switch
    {
        "MappingStart" => "a mapping (key: value)",
        "SequenceStart" => "a list",
        "Scalar" => "a single value",
        "MappingEnd" => "the end of a mapping",
        "SequenceEnd" => "the end of a list",
        _ => "something else",
    };

    [GeneratedRegex(@"Invalid cast from '(?<from>[^']*)' to '(?<to>[^']*)'")]
    private static partial Regex InvalidCast();

    [GeneratedRegex(@"Expected '(?<expected>\w+)', got '(?<got>\w+)' \(at Line: \d+, Col: (?<column>\d+), Idx: \d+\)")]
    private static partial Regex ExpectedEvent();

    [GeneratedRegex(@"^Sequence start \[.*\]$", RegexOptions.Multiline)]
    private static partial Regex SequenceStart();

    [GeneratedRegex(@"^Mapping start \[.*\]$", RegexOptions.Multiline)]
    private static partial Regex MappingStart();

    [GeneratedRegex(@"'(?<type>(System|k8s)\.[^']*)'")]
    private static partial Regex DotNetTypeName();
}
