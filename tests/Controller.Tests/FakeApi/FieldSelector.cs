using System.Text.Json.Nodes;

namespace Plexus.Controller.Tests.FakeApi;

/// <summary>Field selectors as the API server reads them: comma-separated <c>path=value</c>, <c>path==value</c>, <c>path!=value</c>.</summary>
internal sealed class FieldSelector
{
    private readonly List<(string[] Path, string Value, bool Equal)> _terms;

    private FieldSelector(List<(string[] Path, string Value, bool Equal)> terms) => _terms = terms;

    public static FieldSelector Parse(string? text)
    {
        var terms = new List<(string[], string, bool)>();
        foreach (var term in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (op, equal) = term.Contains("!=", StringComparison.Ordinal) ? ("!=", false)
                : term.Contains("==", StringComparison.Ordinal) ? ("==", true)
                : term.Contains('=', StringComparison.Ordinal) ? ("=", true)
                : throw new FormatException($"invalid field selector term \"{term}\"");
            var parts = term.Split(op, 2);
            terms.Add((parts[0].Split('.'), parts[1], equal));
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (path, value, equal) in _terms)
        {
            JsonNode? node = obj;
            foreach (var segment in path)
            {
                node = node is JsonObject o ? o[segment] : null;
            }

            var actual = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }
}
