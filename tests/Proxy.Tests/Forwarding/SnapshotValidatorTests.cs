using System.Collections.Immutable;
using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Tests.Forwarding;

public sealed class SnapshotValidatorTests
{
    private static readonly ProxyCluster Web = new("ns/web:80", BackendProtocol.Http, [new BackendEndpoint("10.0.0.1", 8080)]);

    private static ProxySnapshot Snapshot(ImmutableArray<ProxyRoute> routes, ImmutableArray<ProxyCluster> clusters, string? defaultCluster = null) =>
        new(1, routes, clusters, [], []) { DefaultClusterId = defaultCluster };

    private static ProxyRoute Route(string id = "r", string? host = "app.example.com", string path = "/", string cluster = "ns/web:80") =>
        new(id, host, path, PathMatchKind.Prefix, cluster);

    public static TheoryData<string, ProxySnapshot, string?> Cases() => new()
    {
        { "valid", Snapshot([Route(), Route("r2", host: "*.example.com"), Route("r3", host: null)], [Web], "ns/web:80"), null },
        { "empty", ProxySnapshot.Empty, null },
        { "duplicate route id", Snapshot([Route(), Route(path: "/x")], [Web]), "duplicate route id" },
        { "duplicate cluster id", Snapshot([Route()], [Web, Web]), "duplicate cluster id" },
        { "route to unknown cluster", Snapshot([Route(cluster: "ns/missing:80")], [Web]), "unknown cluster 'ns/missing:80'" },
        { "unknown default", Snapshot([], [Web], "ns/missing:80"), "default cluster 'ns/missing:80'" },
        { "relative path", Snapshot([Route(path: "api")], [Web]), "must start with '/'" },
        { "empty path", Snapshot([Route(path: "")], [Web]), "must start with '/'" },
        { "upper-case host", Snapshot([Route(host: "App.example.com")], [Web]), "invalid host" },
        { "host with port", Snapshot([Route(host: "app.example.com:80")], [Web]), "invalid host" },
        { "wildcard in the middle", Snapshot([Route(host: "app.*.com")], [Web]), "invalid host" },
        { "bare wildcard", Snapshot([Route(host: "*")], [Web]), "invalid host" },
        { "empty label", Snapshot([Route(host: "app..com")], [Web]), "invalid host" },
        { "port zero", Snapshot([], [Web with { Endpoints = [new BackendEndpoint("10.0.0.1", 0)] }]), "out of range" },
        { "port too large", Snapshot([], [Web with { Endpoints = [new BackendEndpoint("10.0.0.1", 65536)] }]), "out of range" },
        { "bad endpoint host", Snapshot([], [Web with { Endpoints = [new BackendEndpoint("not a host", 80)] }]), "invalid endpoint host" },
        { "negative timeout", Snapshot([Route() with { RequestTimeout = TimeSpan.FromSeconds(-1) }], [Web]), "timeout must be positive" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validates(string because, ProxySnapshot snapshot, string? expectedError)
    {
        var errors = SnapshotValidator.Validate(snapshot);
        if (expectedError is null)
        {
            Assert.True(errors.Count == 0, $"{because}: {string.Join("; ", errors)}");
        }
        else
        {
            Assert.True(errors.Any(e => e.Contains(expectedError, StringComparison.Ordinal)), $"{because}: {string.Join("; ", errors)}");
        }
    }

    [Fact]
    public void Ipv6_endpoints_are_valid() =>
        Assert.Empty(SnapshotValidator.Validate(Snapshot([], [Web with { Endpoints = [new BackendEndpoint("fd00::1", 80)] }])));
}
