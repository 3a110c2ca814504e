using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Plexus.Proxy.Listeners;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Tests.Listeners;

public sealed class CertificateTableTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>
{
    public static TheoryData<string?, string> Selections => new()
    {
        { "exact.test.local", "exact" },
        { "Exact.TEST.local", "exact" },
        { "exact.test.local.", "exact" },
        { "a.wild.test.local", "wild" },
        { "A.Wild.Test.Local", "wild" },
        { "a.b.wild.test.local", "default" },
        { "wild.test.local", "default" },
        { ".wild.test.local", "default" },
        { "x.exact.test.local", "default" },
        { "other.example", "default" },
        { "", "default" },
        { null, "default" },
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public void Select_uses_exact_then_one_label_wildcard_then_default(string? serverName, string expectedSource)
    {
        var table = Table(certificates.Hosts);

        var source = table.SelectSource(serverName);

        var expected = expectedSource switch
        {
            "exact" => "secret/default/exact",
            "wild" => "secret/default/wild",
            _ => "default",
        };
        Assert.Equal(expected, source);
    }

    [Fact]
    public void Exact_host_beats_a_covering_wildcard_and_first_entry_wins_a_duplicate()
    {
        var table = Table(
            [
                new(["*.test.local"], certificates.Wildcard, "wild"),
                new(["a.test.local"], certificates.Exact, "exact"),
                new(["a.test.local", "*.test.local"], certificates.Replacement, "late"),
            ]);

        Assert.Equal("exact", table.SelectSource("a.test.local"));
        Assert.Equal("wild", table.SelectSource("b.test.local"));
        Assert.Same(certificates.Exact, table.Select("a.test.local"));
        Assert.Equal(2, table.HostCount);
    }

    [Fact]
    public void A_snapshot_default_certificate_replaces_the_built_in_one_until_it_is_gone()
    {
        var table = Table(certificates.Hosts);

        Assert.Empty(table.Update(certificates.Hosts, new HostCertificate([], certificates.Replacement, "secret/plexus/default")));
        Assert.Same(certificates.Replacement, table.Select("other.example"));
        Assert.Same(certificates.Replacement, table.Select(null));
        Assert.Equal("secret/default/exact", table.SelectSource("exact.test.local"));
        Assert.Same(certificates.Replacement, table.DefaultCertificate);

        table.Update(certificates.Hosts);
        Assert.Same(certificates.Default, table.Select("other.example"));
    }

    [Fact]
    public void Update_replaces_the_whole_table()
    {
        var table = Table(certificates.Hosts);

        Assert.Empty(table.Update([new(["new.test.local"], certificates.Replacement, "new")]));

        Assert.Equal("new", table.SelectSource("new.test.local"));
        Assert.Equal("default", table.SelectSource("exact.test.local"));
        Assert.Equal("default", table.SelectSource("a.wild.test.local"));

        Assert.Empty(table.Update(ImmutableArray<HostCertificate>.Empty));
        Assert.Same(certificates.Default, table.Select("new.test.local"));
        Assert.Equal(0, table.HostCount);
    }

    [Fact]
    public void Update_keeps_prepared_options_for_the_same_certificate_and_follows_a_new_source()
    {
        var table = Table(certificates.Hosts);
        var before = table.SelectAuthenticationOptions("exact.test.local");

        Assert.Empty(table.Update([new(["exact.test.local"], certificates.Exact, "secret/other/exact")]));

        Assert.Same(before, table.SelectAuthenticationOptions("exact.test.local"));
        Assert.Equal("secret/other/exact", table.SelectSource("exact.test.local"));
    }

    [Fact]
    public void Certificate_without_private_key_is_left_out_and_reported_while_the_others_are_served()
    {
        var table = Table(certificates.Hosts);
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificates.Replacement.RawData);

        var problems = table.Update([new(["x.test.local"], publicOnly, "secret/ns/broken"), .. certificates.Hosts]);

        var problem = Assert.Single(problems);
        Assert.StartsWith("secret/ns/broken: ", problem, StringComparison.Ordinal);
        Assert.Contains("private key", problem, StringComparison.Ordinal);
        Assert.Equal("default", table.SelectSource("x.test.local"));
        Assert.Equal("secret/default/exact", table.SelectSource("exact.test.local"));
    }

    [Fact]
    public void Default_certificate_without_private_key_is_refused()
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificates.Replacement.RawData);

        Assert.Throws<ArgumentException>(() => new CertificateTable(publicOnly));
    }

    private CertificateTable Table(ImmutableArray<HostCertificate> hosts)
    {
        var table = new CertificateTable(certificates.Default);
        Assert.Empty(table.Update(hosts));
        return table;
    }

    [Fact]
    public void Selected_options_offer_h2_and_http11()
    {
        var table = new CertificateTable(certificates.Default);

        var options = table.SelectAuthenticationOptions("anything.test.local");

        Assert.Equal([System.Net.Security.SslApplicationProtocol.Http2, System.Net.Security.SslApplicationProtocol.Http11], options.ApplicationProtocols!);
        Assert.NotNull(options.ServerCertificateContext);
    }
}
