using System.Collections.Frozen;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Routing;

/// <summary>
/// Compiled Ingress v1 routing: exact host, then one-label wildcard host, then host-less rules; within a host,
/// an Exact path, then the longest Prefix by path element. Paths are case-sensitive, hosts are not.
/// Immutable once built; matching allocates nothing.
/// </summary>
/// <typeparam name="TTarget">What a match yields (the caller's compiled route target).</typeparam>
public sealed class RouteTable<TTarget>
    where TTarget : class
{
    private readonly FrozenDictionary<string, PathTable<TTarget>> _exactHosts;
    private readonly FrozenDictionary<string, PathTable<TTarget>>.AlternateLookup<ReadOnlySpan<char>> _exactHostLookup;
    private readonly FrozenDictionary<string, PathTable<TTarget>> _wildcardHosts;
    private readonly FrozenDictionary<string, PathTable<TTarget>>.AlternateLookup<ReadOnlySpan<char>> _wildcardHostLookup;
    private readonly PathTable<TTarget>? _anyHost;

    private RouteTable(
        FrozenDictionary<string, PathTable<TTarget>> exactHosts,
        FrozenDictionary<string, PathTable<TTarget>> wildcardHosts,
        PathTable<TTarget>? anyHost,
        int count)
    {
        _exactHosts = exactHosts;
        _exactHostLookup = exactHosts.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcardHosts = wildcardHosts;
        _wildcardHostLookup = wildcardHosts.GetAlternateLookup<ReadOnlySpan<char>>();
        _anyHost = anyHost;
        Count = count;
    }

    /// <summary>How many distinct host + path + kind rules the table holds.</summary>
    public int Count { get; }

    public static RouteTable<TTarget> Empty { get; } = Build([], _ => throw new InvalidOperationException());

    /// <summary>
    /// Compiles <paramref name="routes"/>. When two routes claim the same host, path and kind, the first one wins:
    /// the translator resolves such conflicts (and reports them) before the table is built.
    /// </summary>
    public static RouteTable<TTarget> Build(IEnumerable<ProxyRoute> routes, Func<ProxyRoute, TTarget> selectTarget)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(selectTarget);

        var exact = new Dictionary<string, PathTable<TTarget>.Builder>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, PathTable<TTarget>.Builder>(StringComparer.OrdinalIgnoreCase);
        PathTable<TTarget>.Builder? any = null;
        var count = 0;

        foreach (var route in routes)
        {
            PathTable<TTarget>.Builder builder;
            if (string.IsNullOrEmpty(route.Host))
            {
                builder = any ??= new();
            }
            else if (route.Host.StartsWith("*.", StringComparison.Ordinal))
            {
                builder = GetOrAdd(wildcard, route.Host[2..]);
            }
            else
            {
                builder = GetOrAdd(exact, route.Host);
            }

            if (builder.TryAdd(route, selectTarget))
            {
                count++;
            }
        }

        return new RouteTable<TTarget>(
            Freeze(exact),
            Freeze(wildcard),
            any?.Build(),
            count);
    }

    /// <summary>Finds the target for a request.</summary>
    /// <param name="host">The Host header (or :authority) as received: any case, optionally with a port.</param>
    /// <param name="path">The request path (no query), as ASP.NET Core decodes it.</param>
    /// <returns>The target, or null when no rule matches.</returns>
    public TTarget? Match(ReadOnlySpan<char> host, ReadOnlySpan<char> path)
    {
        host = HostName.WithoutPort(host);
        if (path.IsEmpty)
        {
            path = "/";
        }

        if (!host.IsEmpty)
        {
            if (_exactHosts.Count > 0 && _exactHostLookup.TryGetValue(host, out var exactTable)
                && exactTable.Match(path) is { } exactHit)
            {
                return exactHit;
            }

            if (_wildcardHosts.Count > 0)
            {
                var dot = host.IndexOf('.');
                if (dot > 0 && dot < host.Length - 1
                    && _wildcardHostLookup.TryGetValue(host[(dot + 1)..], out var wildcardTable)
                    && wildcardTable.Match(path) is { } wildcardHit)
                {
                    return wildcardHit;
                }
            }
        }

        return _anyHost?.Match(path);
    }

    private static PathTable<TTarget>.Builder GetOrAdd(Dictionary<string, PathTable<TTarget>.Builder> hosts, string host)
    {
        if (!hosts.TryGetValue(host, out var builder))
        {
            builder = new();
            hosts.Add(host, builder);
        }

        return builder;
    }

    private static FrozenDictionary<string, PathTable<TTarget>> Freeze(Dictionary<string, PathTable<TTarget>.Builder> hosts) =>
        hosts.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.Build(), StringComparer.OrdinalIgnoreCase);
}
