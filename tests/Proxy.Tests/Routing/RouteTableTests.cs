using Plexus.Proxy.Model;
using Plexus.Proxy.Routing;

namespace Plexus.Proxy.Tests.Routing;

public class RouteTableTests
{
    private static ProxyRoute Rule(string id, string? host, string path, PathMatchKind kind) => new(id, host, path, kind, "c/" + id);

    public static TheoryData<string, ProxyRoute[], string, string, string?> Cases => new()
    {
        // name, routes, request host, request path, expected route id (null = no match)
        { "prefix matches itself", [Rule("a", null, "/foo", PathMatchKind.Prefix)], "x", "/foo", "a" },
        { "prefix matches trailing slash", [Rule("a", null, "/foo", PathMatchKind.Prefix)], "x", "/foo/", "a" },
        { "prefix matches child", [Rule("a", null, "/foo", PathMatchKind.Prefix)], "x", "/foo/bar", "a" },
        { "prefix is element-wise", [Rule("a", null, "/foo", PathMatchKind.Prefix)], "x", "/foobar", null },
        { "prefix trailing slash in rule ignored", [Rule("a", null, "/foo/", PathMatchKind.Prefix)], "x", "/foo", "a" },
        { "prefix is case-sensitive", [Rule("a", null, "/foo", PathMatchKind.Prefix)], "x", "/FOO", null },
        { "root prefix matches all", [Rule("a", null, "/", PathMatchKind.Prefix)], "x", "/any/thing", "a" },
        { "root prefix matches empty path", [Rule("a", null, "/", PathMatchKind.Prefix)], "x", "", "a" },
        { "multi-element prefix", [Rule("a", null, "/aaa/bb", PathMatchKind.Prefix)], "x", "/aaa/bb/c", "a" },
        { "multi-element prefix is element-wise", [Rule("a", null, "/aaa/bb", PathMatchKind.Prefix)], "x", "/aaa/bbb", null },
        { "implementation-specific acts as prefix", [Rule("a", null, "/foo", PathMatchKind.ImplementationSpecific)], "x", "/foo/bar", "a" },
        { "exact matches itself", [Rule("a", null, "/foo", PathMatchKind.Exact)], "x", "/foo", "a" },
        { "exact refuses trailing slash", [Rule("a", null, "/foo", PathMatchKind.Exact)], "x", "/foo/", null },
        { "exact refuses child", [Rule("a", null, "/foo", PathMatchKind.Exact)], "x", "/foo/bar", null },
        { "exact is case-sensitive", [Rule("a", null, "/foo", PathMatchKind.Exact)], "x", "/Foo", null },
        { "longest prefix wins", [Rule("short", null, "/foo", PathMatchKind.Prefix), Rule("long", null, "/foo/bar", PathMatchKind.Prefix)], "x", "/foo/bar/baz", "long" },
        { "shorter prefix when longer does not match", [Rule("short", null, "/foo", PathMatchKind.Prefix), Rule("long", null, "/foo/bar", PathMatchKind.Prefix)], "x", "/foo/baz", "short" },
        { "exact before prefix at equal length", [Rule("prefix", null, "/foo", PathMatchKind.Prefix), Rule("exact", null, "/foo", PathMatchKind.Exact)], "x", "/foo", "exact" },
        { "prefix when exact misses", [Rule("prefix", null, "/foo", PathMatchKind.Prefix), Rule("exact", null, "/foo", PathMatchKind.Exact)], "x", "/foo/x", "prefix" },
        { "first of duplicates wins", [Rule("first", null, "/foo", PathMatchKind.Prefix), Rule("second", null, "/foo/", PathMatchKind.Prefix)], "x", "/foo", "first" },
        { "exact host", [Rule("a", "foo.com", "/", PathMatchKind.Prefix)], "foo.com", "/", "a" },
        { "exact host is case-insensitive", [Rule("a", "foo.com", "/", PathMatchKind.Prefix)], "FOO.Com", "/", "a" },
        { "exact host with port", [Rule("a", "foo.com", "/", PathMatchKind.Prefix)], "foo.com:8080", "/", "a" },
        { "exact host with trailing dot", [Rule("a", "foo.com", "/", PathMatchKind.Prefix)], "foo.com.", "/", "a" },
        { "other host misses", [Rule("a", "foo.com", "/", PathMatchKind.Prefix)], "bar.com", "/", null },
        { "wildcard one label", [Rule("a", "*.foo.com", "/", PathMatchKind.Prefix)], "bar.foo.com", "/", "a" },
        { "wildcard not two labels", [Rule("a", "*.foo.com", "/", PathMatchKind.Prefix)], "baz.bar.foo.com", "/", null },
        { "wildcard not the apex", [Rule("a", "*.foo.com", "/", PathMatchKind.Prefix)], "foo.com", "/", null },
        { "wildcard with port", [Rule("a", "*.foo.com", "/", PathMatchKind.Prefix)], "bar.foo.com:443", "/", "a" },
        { "exact host beats wildcard", [Rule("wild", "*.foo.com", "/", PathMatchKind.Prefix), Rule("exact", "bar.foo.com", "/", PathMatchKind.Prefix)], "bar.foo.com", "/", "exact" },
        { "wildcard beats host-less", [Rule("any", null, "/", PathMatchKind.Prefix), Rule("wild", "*.foo.com", "/", PathMatchKind.Prefix)], "bar.foo.com", "/", "wild" },
        { "host-less when host rules miss the path", [Rule("any", null, "/", PathMatchKind.Prefix), Rule("exact", "foo.com", "/api", PathMatchKind.Prefix)], "foo.com", "/web", "any" },
        { "host-less matches any host", [Rule("any", null, "/", PathMatchKind.Prefix)], "whatever.example", "/", "any" },
        { "host-less matches missing host", [Rule("any", null, "/", PathMatchKind.Prefix)], "", "/", "any" },
        { "host rule needs a host", [Rule("a", "foo.com", "/", PathMatchKind.Prefix)], "", "/", null },
        { "ipv6 literal host", [Rule("a", null, "/", PathMatchKind.Prefix)], "[::1]:8080", "/", "a" },
        { "empty table", [], "foo.com", "/", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_like_ingress_v1(string name, ProxyRoute[] routes, string host, string path, string? expected)
    {
        var table = RouteTable<ProxyRoute>.Build(routes, route => route);

        var match = table.Match(host, path);

        Assert.True(expected == match?.Id, $"{name}: expected {expected ?? "no match"}, got {match?.Id ?? "no match"}");
    }

    [Fact]
    public void Counts_distinct_rules_only()
    {
        var table = RouteTable<ProxyRoute>.Build(
            [
                Rule("a", null, "/foo", PathMatchKind.Prefix),
                Rule("b", null, "/foo/", PathMatchKind.Prefix),
                Rule("c", null, "/foo", PathMatchKind.Exact),
                Rule("d", "x.com", "/foo", PathMatchKind.Exact),
            ],
            route => route);

        Assert.Equal(3, table.Count);
    }

    [Fact]
    public void Selects_the_target_once_per_rule()
    {
        var calls = 0;
        var table = RouteTable<string>.Build(
            [Rule("a", null, "/foo", PathMatchKind.Prefix), Rule("b", null, "/foo", PathMatchKind.Prefix)],
            route => { calls++; return route.Id; });

        Assert.Equal("a", table.Match("h", "/foo"));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Empty_table_matches_nothing() => Assert.Null(RouteTable<ProxyRoute>.Empty.Match("foo", "/"));
}
