using System.Net;
using System.Text.RegularExpressions;

namespace Plexus.Controller.Tests.Dashboard;

/// <summary>One element of a serialized DOM: its attributes and its text content (tags stripped, entities decoded).</summary>
internal sealed record DomElement(IReadOnlyDictionary<string, string> Attributes, string Text, string InnerHtml)
{
    public string Attribute(string name) => Attributes.TryGetValue(name, out var value) ? value : string.Empty;

    public bool HasClass(string name) => Attribute("class").Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(name, StringComparer.Ordinal);
}

/// <summary>
/// Reads chromium's <c>--dump-dom</c> output: the dashboard builds plain, non-nested rows and cells, so elements of one
/// tag can be cut out by their closing tag without a full HTML parser.
/// </summary>
internal static partial class RenderedDom
{
    public static IReadOnlyList<DomElement> Elements(string html, string tag) =>
        [.. new Regex($@"<{tag}\b([^>]*)>(.*?)</{tag}>", RegexOptions.Singleline | RegexOptions.CultureInvariant)
            .Matches(html)
            .Select(m => new DomElement(Attributes(m.Groups[1].Value), Text(m.Groups[2].Value), m.Groups[2].Value))];

    public static string Text(string innerHtml) => WebUtility.HtmlDecode(TagPattern().Replace(innerHtml, " "));

    private static Dictionary<string, string> Attributes(string text) =>
        AttributePattern().Matches(text).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value), StringComparer.Ordinal);

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex("""([\w-]+)="([^"]*)" """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex AttributePattern();
}
