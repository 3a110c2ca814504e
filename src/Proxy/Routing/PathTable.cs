using System.Collections.Frozen;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Routing;

/// <summary>The path rules of one host: Exact paths by value, Prefix paths by their normalised element sequence.</summary>
internal sealed class PathTable<TTarget>
    where TTarget : class
{
    private readonly FrozenDictionary<string, TTarget>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly FrozenDictionary<string, TTarget>.AlternateLookup<ReadOnlySpan<char>> _prefix;
    private readonly bool _hasExact;
    private readonly bool _hasPrefix;

    private PathTable(FrozenDictionary<string, TTarget> exact, FrozenDictionary<string, TTarget> prefix)
    {
        _exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefix = prefix.GetAlternateLookup<ReadOnlySpan<char>>();
        _hasExact = exact.Count > 0;
        _hasPrefix = prefix.Count > 0;
    }

    /// <summary>
    /// An Exact rule matches the whole path, so it is at least as long as any Prefix rule that matches and wins
    /// ties; after it, Prefix rules are tried from the longest element sequence to the root.
    /// </summary>
    public TTarget? Match(ReadOnlySpan<char> path)
    {
        if (_hasExact && _exact.TryGetValue(path, out var exact))
        {
            return exact;
        }

        if (!_hasPrefix)
        {
            return null;
        }

        var candidate = PrefixKey(path);
        while (true)
        {
            if (_prefix.TryGetValue(candidate, out var prefix))
            {
                return prefix;
            }

            if (candidate.IsEmpty)
            {
                return null;
            }

            candidate = candidate[..candidate.LastIndexOf('/')];
        }
    }

    /// <summary>"/foo/bar/" and "/foo/bar" are the same prefix; "/" is the empty element sequence.</summary>
    internal static ReadOnlySpan<char> PrefixKey(ReadOnlySpan<char> path) => path.TrimEnd('/');

    internal sealed class Builder
    {
        private readonly Dictionary<string, TTarget> _exact = new(StringComparer.Ordinal);
        private readonly Dictionary<string, TTarget> _prefix = new(StringComparer.Ordinal);

        public bool TryAdd(ProxyRoute route, Func<ProxyRoute, TTarget> selectTarget)
        {
            if (route.Match == PathMatchKind.Exact)
            {
                return TryAdd(_exact, route.Path, route, selectTarget);
            }

            return TryAdd(_prefix, PrefixKey(route.Path).ToString(), route, selectTarget);
        }

        private static bool TryAdd(Dictionary<string, TTarget> rules, string key, ProxyRoute route, Func<ProxyRoute, TTarget> selectTarget)
        {
            if (rules.ContainsKey(key))
            {
                return false;
            }

            rules.Add(key, selectTarget(route));
            return true;
        }

        public PathTable<TTarget> Build() =>
            new(_exact.ToFrozenDictionary(StringComparer.Ordinal), _prefix.ToFrozenDictionary(StringComparer.Ordinal));
    }
}
