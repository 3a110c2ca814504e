using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Translation;

public class HostAndPathValidationTests
{
    public static TheoryData<string, string?> Hosts => new()
    {
        { "app.test", "app.test" },
        { "App.TEST", "app.test" },
        { "a", "a" },
        { "1", "1" },
        { "a-b.c-d.test", "a-b.c-d.test" },
        { "*.app.test", "*.app.test" },
        { "*.APP.test", "*.app.test" },
        { "app.*.test", null },
        { "*app.test", null },
        { "*", null },
        { "*.*.test", null },
        { "-app.test", null },
        { "app-.test", null },
        { "app..test", null },
        { ".app.test", null },
        { "app.test.", null },
        { "app_1.test", null },
        { "app.test:8080", null },
        { "127.0.0.1", null },
        { "::1", null },
        { new string('a', 64) + ".test", null },
        { new string('a', 63) + ".test", new string('a', 63) + ".test" },
        { string.Join('.', Enumerable.Repeat("abcdefghi", 26)), null },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Validates_hosts(string raw, string? expected)
    {
        var ok = HostValidator.TryNormalize(raw, out var host, out var error);

        Assert.Equal(expected is not null, ok);
        if (ok)
        {
            Assert.Equal(expected, host);
            Assert.Null(error);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    public static TheoryData<string?, string?, string?, PathMatchKind?> Paths => new()
    {
        { "/", "Prefix", "/", PathMatchKind.Prefix },
        { "/api", "Exact", "/api", PathMatchKind.Exact },
        { "/api/", "Prefix", "/api/", PathMatchKind.Prefix },
        { "/api", "ImplementationSpecific", "/api", PathMatchKind.ImplementationSpecific },
        { null, "ImplementationSpecific", "/", PathMatchKind.ImplementationSpecific },
        { "", "ImplementationSpecific", "/", PathMatchKind.ImplementationSpecific },
        { "/a-b_c.d~e/f+g@h:i,j;k=l!m'n&o%20p", "Prefix", "/a-b_c.d~e/f+g@h:i,j;k=l!m'n&o%20p", PathMatchKind.Prefix },
        { "/.well-known/acme", "Exact", "/.well-known/acme", PathMatchKind.Exact },
        { null, "Prefix", null, null },
        { "", "Exact", null, null },
        { "api", "Prefix", null, null },
        { "api", "ImplementationSpecific", null, null },
        { "/a//b", "Prefix", null, null },
        { "/a/./b", "Prefix", null, null },
        { "/a/../b", "Exact", null, null },
        { "/a%2fb", "Prefix", null, null },
        { "/a%2Fb", "Exact", null, null },
        { "/a/..", "Prefix", null, null },
        { "/a/.", "Exact", null, null },
        { "/api/.*", "Prefix", null, null },
        { "/api(/|$)(.*)", "ImplementationSpecific", null, null },
        { "/static/*", "Prefix", null, null },
        { "/a[0-9]", "Exact", null, null },
        { "/^a", "Prefix", null, null },
        { "/a b", "Prefix", null, null },
        { "/a?b=1", "Exact", null, null },
        { "/a#frag", "Exact", null, null },
        { "/a\tb", "Prefix", null, null },
        { "/a", null, null, null },
        { "/a", "Regex", null, null },
        { "/a", "prefix", null, null },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Validates_paths(string? path, string? pathType, string? expectedPath, PathMatchKind? expectedMatch)
    {
        var ok = PathValidator.TryValidate(path, pathType, out var result, out var error);

        Assert.Equal(expectedPath is not null, ok);
        if (ok)
        {
            Assert.Equal(expectedPath, result.Path);
            Assert.Equal(expectedMatch, result.Match);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(error));
        }
    }

    [Theory]
    [InlineData("/a", "Prefix", "/a/", "Prefix", true)]
    [InlineData("/a", "Prefix", "/a", "ImplementationSpecific", true)]
    [InlineData("/a", "Exact", "/a", "Prefix", false)]
    [InlineData("/a", "Exact", "/a/", "Exact", false)]
    [InlineData("/", "Prefix", "/", "ImplementationSpecific", true)]
    [InlineData("/a", "Prefix", "/A", "Prefix", false)]
    public void Equivalent_paths_share_a_conflict_key(string p1, string t1, string p2, string t2, bool same)
    {
        Assert.True(PathValidator.TryValidate(p1, t1, out var a, out _));
        Assert.True(PathValidator.TryValidate(p2, t2, out var b, out _));

        Assert.Equal(same, a.ConflictKey == b.ConflictKey);
    }

    [Fact]
    public void Invalid_host_drops_only_its_rule_with_a_diagnostic()
    {
        var state = new StateBuilder().Backend("ns", "svc")
            .Add(K8s.Ingress("ns", "ing")
                .Rule("bad_host.test").Path("/", "Prefix", "svc", 80)
                .Rule("Good.Test").Path("/", "Prefix", "svc", 80));

        var snapshot = Run.Build(state);

        var route = Assert.Single(snapshot.Routes);
        Assert.Equal("good.test", route.Host);
        Assert.Equal("ns/ing/1/0", route.Id);
        var diagnostic = snapshot.Only(DiagnosticReasons.InvalidHost);
        Assert.Equal(new ObjectRef("Ingress", "ns", "ing"), diagnostic.Subject);
        Assert.Contains("bad_host.test", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_path_drops_only_that_path_with_a_diagnostic()
    {
        var state = new StateBuilder().Backend("ns", "svc")
            .Add(K8s.Ingress("ns", "ing").Rule("app.test")
                .Path("/api(/|$)(.*)", "Prefix", "svc", 80)
                .Path("/ok", "Exact", "svc", 80));

        var snapshot = Run.Build(state);

        Assert.Equal("/ok", Assert.Single(snapshot.Routes).Path);
        var diagnostic = snapshot.Only(DiagnosticReasons.InvalidPath);
        Assert.Contains("/api(/|$)(.*)", diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("regular expression", diagnostic.Message, StringComparison.Ordinal);
    }
}
