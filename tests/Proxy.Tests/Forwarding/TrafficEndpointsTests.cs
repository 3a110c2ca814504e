using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Tests.Forwarding;

public sealed class TrafficEndpointsTests
{
    private static readonly ProtocolVerdict Mismatch = new(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only");
    private static readonly ProtocolVerdict Verified = new(VerdictKind.Verified, BackendProtocol.H2c);

    public static TheoryData<string, BackendProtocol, ProtocolVerdict[], int, bool> Cases() => new()
    {
        { "no endpoints: nothing to refuse", BackendProtocol.H2c, [], 0, false },
        { "unproven endpoints get traffic", BackendProtocol.H2c, [ProtocolVerdict.Unproven, ProtocolVerdict.Unproven], 2, false },
        { "mismatched endpoints are left out", BackendProtocol.H2c, [Mismatch, Verified, ProtocolVerdict.Unproven], 2, false },
        { "all mismatched: refused", BackendProtocol.H2, [Mismatch, Mismatch], 0, true },
        { "auto leaves out endpoints that speak neither h2c nor HTTP/1.1", BackendProtocol.Auto, [Mismatch, Verified], 1, false },
        { "auto with every endpoint speaking neither: refused", BackendProtocol.Auto, [Mismatch, Mismatch], 0, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Selects_endpoints(string because, BackendProtocol protocol, ProtocolVerdict[] verdicts, int expected, bool refused)
    {
        var cluster = new ProxyCluster("c", protocol, [.. verdicts.Select((v, i) => new BackendEndpoint($"10.0.0.{i + 1}", 80, v))]);

        Assert.True(expected == TrafficEndpoints.Of(cluster).Count(), because);
        var reason = TrafficEndpoints.RefusalReason(cluster);
        Assert.True(refused == reason is not null, because);
        if (refused)
        {
            Assert.Contains("10.0.0.1:80: speaks HTTP/1.1 only", reason, StringComparison.Ordinal);
        }
    }
}
