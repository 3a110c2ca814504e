using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>A validated Ingress path.</summary>
/// <param name="Path">The path as Plexus serves it ("/" for an empty ImplementationSpecific path).</param>
/// <param name="Match">The declared path type.</param>
/// <param name="ConflictKey">Two paths with the same key match exactly the same requests (Prefix ignores a trailing '/'; ImplementationSpecific is Prefix).</param>
public readonly record struct ValidatedPath(string Path, PathMatchKind Match, string ConflictKey);

/// <summary>
/// Validates a path against its pathType. Mirrors the Kubernetes API rules for Exact and Prefix (absolute;
/// no "//", "/./", "/../", "%2f", "%2F"; not ending in "/.." or "/.") and adds what a literal matcher needs:
/// no characters that can never occur in a request path (whitespace, control characters, '?', '#') and none
/// that only make sense in a regular expression or glob (<c>* ( ) [ ] { } | ^ $ \</c>) — such a path would
/// silently never match here (it usually comes from an ingress-nginx regex). Plexus treats
/// ImplementationSpecific as Prefix, so the same rules apply to it, except that it may be empty (then "/").
/// </summary>
public static class PathValidator
{
    private static readonly string[] InvalidSequences = ["//", "/./", "/../", "%2f", "%2F"];
    private static readonly string[] InvalidSuffixes = ["/..", "/."];
    private const string RegexCharacters = "*()[]{}|^$\\";

    public static bool TryValidate(string? path, string? pathType, out ValidatedPath result, out string? error)
    {
        result = default;
        PathMatchKind match;
        switch (pathType)
        {
            case "Exact": match = PathMatchKind.Exact; break;
            case "Prefix": match = PathMatchKind.Prefix; break;
            case "ImplementationSpecific": match = PathMatchKind.ImplementationSpecific; break;
            case null or "":
                error = "pathType must be set (Exact, Prefix or ImplementationSpecific)";
                return false;
            default:
                error = $"pathType \"{pathType}\" is not supported; use Exact, Prefix or ImplementationSpecific";
                return false;
        }

        if (string.IsNullOrEmpty(path))
        {
            if (match != PathMatchKind.ImplementationSpecific)
            {
                error = $"a {pathType} path must be an absolute path starting with '/'";
                return false;
            }

            path = "/";
        }

        error = Check(path);
        if (error is not null)
        {
            return false;
        }

        result = new ValidatedPath(path, match, ConflictKeyOf(path, match));
        return true;
    }

    private static string? Check(string path)
    {
        if (path[0] != '/')
        {
            return "must be an absolute path starting with '/'";
        }

        foreach (var sequence in InvalidSequences)
        {
            if (path.Contains(sequence, StringComparison.Ordinal))
            {
                return $"must not contain '{sequence}'";
            }
        }

        foreach (var suffix in InvalidSuffixes)
        {
            if (path.EndsWith(suffix, StringComparison.Ordinal))
            {
                return $"must not end with '{suffix}'";
            }
        }

        foreach (var ch in path)
        {
            if (char.IsControl(ch) || char.IsWhiteSpace(ch) || ch is '?' or '#')
            {
                return $"must not contain {Describe(ch)}, which cannot occur in a request path";
            }

            if (RegexCharacters.Contains(ch, StringComparison.Ordinal))
            {
                return $"must not contain '{ch}': Plexus matches Exact and Prefix paths (and ImplementationSpecific, as Prefix) literally, not as a regular expression or glob; a Prefix path already matches everything below it";
            }
        }

        return null;
    }

    private static string ConflictKeyOf(string path, PathMatchKind match)
    {
        if (match == PathMatchKind.Exact)
        {
            return "=" + path;
        }

        var trimmed = path.Length > 1 && path[^1] == '/' ? path[..^1] : path;
        return "^" + trimmed;
    }

    private static string Describe(char ch) => ch switch
    {
        ' ' => "a space",
        '?' or '#' => $"'{ch}'",
        _ => $"U+{(int)ch:X4}",
    };
}
