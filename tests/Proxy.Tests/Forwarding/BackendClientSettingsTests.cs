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
    public void Yarp_cluster_id_is_stable_for_equal_settings_and_changes_with_them()
    {
        var cluster = new ProxyCluster("ns/web:443", BackendProtocol.H2, [new BackendEndpoint("10.0.0.1", 443)]);
        var id = BackendClientSettings.For(cluster, Timeout).YarpClusterId(cluster.Id);

        Assert.StartsWith("ns/web:443#", id, StringComparison.Ordinal);
        Assert.Equal(id, BackendClientSettings.For(cluster with { Endpoints = [new BackendEndpoint("10.0.0.2", 443)] }, Timeout).YarpClusterId(cluster.Id));
        Assert.NotEqual(id, BackendClientSettings.For(cluster with { Protocol = BackendProtocol.Https }, Timeout).YarpClusterId(cluster.Id));
        Assert.NotEqual(id, BackendClientSettings.For(cluster with { Tls = new BackendTls(VerifyCertificate: true) }, Timeout).YarpClusterId(cluster.Id));
        Assert.NotEqual(id, BackendClientSettings.For(cluster, TimeSpan.FromSeconds(5)).YarpClusterId(cluster.Id));
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
    public void Yarp_cluster_has_destinations_per_endpoint_with_the_protocol_scheme()
    {
        var cluster = new ProxyCluster("c", BackendProtocol.H2, [new BackendEndpoint("10.0.0.1", 8443), new BackendEndpoint("fd00::1", 8443)]);
        var config = YarpConfigBuilder.BuildCluster(cluster, BackendClientSettings.For(cluster, Timeout));

        Assert.Equal(["https://10.0.0.1:8443", "https://[fd00::1]:8443"], config.Destinations!.Values.Select(d => d.Address).Order());
        Assert.Equal(HttpVersion.Version20, config.HttpRequest!.Version);
        Assert.Equal(HttpVersionPolicy.RequestVersionExact, config.HttpRequest.VersionPolicy);
        Assert.Equal(Timeout, config.HttpRequest.ActivityTimeout);
        Assert.True(config.HttpClient!.DangerousAcceptAnyServerCertificate);
        Assert.True(config.HttpClient.EnableMultipleHttp2Connections);
    }
}
