using System.Net;
using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Tests.Forwarding;

public sealed class BackendClientSettingsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(BackendProtocol.Http, "http", "1.1", HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData(BackendProtocol.H2c, "http", "2.0", HttpVersionPolicy.RequestVersionExact)]
    [InlineData(BackendProtocol.H2, "https", "2.0", HttpVersionPolicy.RequestVersionExact)]
    [InlineData(BackendProtocol.Https, "https", "2.0", HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData(BackendProtocol.Auto, "http", "1.1", HttpVersionPolicy.RequestVersionOrLower)]
    public void Client_settings_per_protocol(BackendProtocol protocol, string scheme, string version, HttpVersionPolicy policy)
    {
        var settings = BackendClientSettings.For(new ProxyCluster("c", protocol, [new BackendEndpoint("10.0.0.1", 80)]), Timeout);
        Assert.Equal(scheme, settings.Scheme);
        Assert.Equal(Version.Parse(version), settings.Version);
        Assert.Equal(policy, settings.VersionPolicy);
    }

    public static TheoryData<string, ProtocolVerdict[], BackendProtocol> AutoCases() => new()
    {
        { "no endpoints", [], BackendProtocol.Http },
        { "all verified h2c", [new(VerdictKind.Verified, BackendProtocol.H2c), new(VerdictKind.Verified, BackendProtocol.H2c)], BackendProtocol.H2c },
        { "one unproven", [new(VerdictKind.Verified, BackendProtocol.H2c), ProtocolVerdict.Unproven], BackendProtocol.Http },
        { "one mismatch (speaks neither; gets no traffic)", [new(VerdictKind.Verified, BackendProtocol.H2c), new(VerdictKind.Mismatch, BackendProtocol.Https)], BackendProtocol.H2c },
        { "all mismatch", [new(VerdictKind.Mismatch, BackendProtocol.Https)], BackendProtocol.Http },
        { "verified http", [new(VerdictKind.Verified, BackendProtocol.Http)], BackendProtocol.Http },
    };

    [Theory]
    [MemberData(nameof(AutoCases))]
    public void Auto_is_h2c_only_when_every_endpoint_that_gets_traffic_is_verified_h2c(string because, ProtocolVerdict[] verdicts, BackendProtocol expected)
    {
        var cluster = new ProxyCluster("c", BackendProtocol.Auto, [.. verdicts.Select((v, i) => new BackendEndpoint($"10.0.0.{i + 1}", 80, v))]);
        Assert.True(expected == BackendClientSettings.EffectiveProtocol(cluster), because);
    }

    [Fact]
    public void Client_cluster_id_is_shared_by_equal_settings_and_changes_with_them()
    {
        var cluster = new ProxyCluster("ns/web:443", BackendProtocol.H2, [new BackendEndpoint("10.0.0.1", 443)]);
        var id = BackendClientSettings.For(cluster, Timeout).ClientClusterId();

        Assert.StartsWith("client-h2-", id, StringComparison.Ordinal);
        Assert.Equal(id, BackendClientSettings.For(cluster with { Id = "other/api:443", Endpoints = [new BackendEndpoint("10.0.0.2", 443)] }, Timeout).ClientClusterId());
        Assert.NotEqual(id, BackendClientSettings.For(cluster with { Protocol = BackendProtocol.Https }, Timeout).ClientClusterId());
        Assert.NotEqual(id, BackendClientSettings.For(cluster with { Tls = new BackendTls(VerifyCertificate: true) }, Timeout).ClientClusterId());
        Assert.NotEqual(id, BackendClientSettings.For(cluster, TimeSpan.FromSeconds(5)).ClientClusterId());
    }

    [Fact]
    public void Tls_settings_do_not_matter_for_cleartext_protocols()
    {
        var cluster = new ProxyCluster("c", BackendProtocol.H2c, [new BackendEndpoint("10.0.0.1", 80)]);
        Assert.Equal(
            BackendClientSettings.For(cluster, Timeout).Hash(),
            BackendClientSettings.For(cluster with { Tls = new BackendTls(VerifyCertificate: true) }, Timeout).Hash());
    }

    [Fact]
    public void Client_cluster_carries_the_wire_settings_and_no_destinations()
    {
        var cluster = new ProxyCluster("c", BackendProtocol.H2, [new BackendEndpoint("10.0.0.1", 8443)]);
        var config = YarpConfigBuilder.BuildClientCluster(BackendClientSettings.For(cluster, Timeout));

        Assert.Empty(config.Destinations ?? new Dictionary<string, Yarp.ReverseProxy.Configuration.DestinationConfig>());
        Assert.Equal(HttpVersion.Version20, config.HttpRequest!.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionExact, config.HttpRequest.VersionPolicy);
        Assert.Equal(Timeout, config.HttpRequest.ActivityTimeout);
        Assert.True(config.HttpClient!.DangerousAcceptAnyServerCertificate);
        Assert.True(config.HttpClient.EnableMultipleHttp2Connections);
    }

    [Fact]
    public void Destinations_per_endpoint_with_the_protocol_scheme()
    {
        var cluster = new ProxyCluster("c", BackendProtocol.H2, [new BackendEndpoint("10.0.0.1", 8443), new BackendEndpoint("fd00::1", 8443)]);
        var destinations = YarpConfigBuilder.DestinationsOf(cluster, BackendProtocol.H2);

        Assert.Equal(["https://10.0.0.1:8443", "https://[fd00::1]:8443"], destinations.Select(d => d.Model.Config.Address).Order());
    }

    [Fact]
    public void Destinations_leave_out_mismatched_endpoints_and_split_auto_by_verdict()
    {
        var cluster = new ProxyCluster("c", BackendProtocol.Auto,
        [
            new BackendEndpoint("10.0.0.1", 80, new ProtocolVerdict(VerdictKind.Verified, BackendProtocol.H2c)),
            new BackendEndpoint("10.0.0.2", 80, ProtocolVerdict.Unproven),
            new BackendEndpoint("10.0.0.3", 80, new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.H2c)),
        ]);

        Assert.Equal(["http://10.0.0.1:80"], YarpConfigBuilder.DestinationsOf(cluster, BackendProtocol.H2c).Select(d => d.Model.Config.Address));
        Assert.Equal(["http://10.0.0.2:80"], YarpConfigBuilder.DestinationsOf(cluster, BackendProtocol.Http).Select(d => d.Model.Config.Address));
    }
}
