using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Tests.Probing;

/// <summary>How an <c>auto</c> cluster divides its endpoints between h2c and HTTP/1.1 by their verdicts.</summary>
public sealed class AutoSplitTests
{
    private static readonly ProtocolVerdict H2c = new(VerdictKind.Verified, BackendProtocol.H2c);
    private static readonly ProtocolVerdict Http = new(VerdictKind.Verified, BackendProtocol.Http);
    private static readonly ProtocolVerdict Unproven = ProtocolVerdict.Unproven;
    private static readonly ProtocolVerdict Neither = new(VerdictKind.Mismatch, BackendProtocol.Https, "expects TLS");

    public static TheoryData<string, ProtocolVerdict[], bool, BackendProtocol, int> Cases => new()
    {
        { "all h2c: one h2c cluster", [H2c, H2c], false, BackendProtocol.H2c, 0 },
        { "none h2c: one HTTP/1.1 cluster", [Http, Unproven], false, BackendProtocol.Http, 2 },
        { "mixed: split", [H2c, Http, Unproven], true, BackendProtocol.Http, 2 },
        { "no endpoints", [], false, BackendProtocol.Http, 0 },
        { "speaks neither: on no side", [H2c, Http, Neither], true, BackendProtocol.Http, 1 },
        { "h2c and one that speaks neither: h2c only", [H2c, Neither], false, BackendProtocol.H2c, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Auto_splits_only_when_some_but_not_all_endpoints_speak_h2c(string because, ProtocolVerdict[] verdicts, bool split, BackendProtocol primary, int http1Endpoints)
    {
        var cluster = new ProxyCluster("c", BackendProtocol.Auto, [.. verdicts.Select((v, i) => new BackendEndpoint($"10.0.0.{i + 1}", 80, v))]);

        Assert.True(split == BackendClientSettings.IsSplitAuto(cluster), because);
        Assert.Equal(primary, BackendClientSettings.EffectiveProtocol(cluster));
        Assert.Equal(http1Endpoints, TrafficEndpoints.Of(cluster, BackendProtocol.Http).Count());
        Assert.Equal(verdicts.Count(v => v == H2c), TrafficEndpoints.Of(cluster, BackendProtocol.H2c).Count());
    }

    [Fact]
    public void Other_protocols_never_split_and_drop_mismatches_on_either_side()
    {
        var cluster = new ProxyCluster("c", BackendProtocol.H2c,
            [new BackendEndpoint("10.0.0.1", 80, H2c), new BackendEndpoint("10.0.0.2", 80, new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http))]);

        Assert.False(BackendClientSettings.IsSplitAuto(cluster));
        Assert.Single(TrafficEndpoints.Of(cluster, BackendProtocol.H2c));
    }
}
