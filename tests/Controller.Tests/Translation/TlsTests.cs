using Plexus.Controller.Translation;

namespace Plexus.Controller.Tests.Translation;

public class TlsTests
{
    private static readonly (string Crt, string Key) Pair = K8s.SelfSigned("app.test");
    private static readonly (string Crt, string Key) OtherPair = K8s.SelfSigned("other.test");

    public static TheoryData<string, Func<StateBuilder, StateBuilder>, string?> Secrets => new()
    {
        { "valid", s => s.Add(K8s.Secret("ns", "cert", "kubernetes.io/tls", Pair.Crt, Pair.Key)), null },
        { "missing", s => s, DiagnosticReasons.TlsSecretNotFound },
        { "in another namespace", s => s.Add(K8s.Secret("other", "cert", "kubernetes.io/tls", Pair.Crt, Pair.Key)), DiagnosticReasons.TlsSecretNotFound },
        { "Opaque with tls.crt and tls.key", s => s.Add(K8s.Secret("ns", "cert", "Opaque", Pair.Crt, Pair.Key)), null },
        { "Opaque without tls.key", s => s.Add(K8s.Secret("ns", "cert", "Opaque", Pair.Crt, null)), DiagnosticReasons.TlsSecretInvalid },
        { "wrong type", s => s.Add(K8s.Secret("ns", "cert", "kubernetes.io/basic-auth", Pair.Crt, Pair.Key)), DiagnosticReasons.TlsSecretInvalid },
        { "garbage", s => s.Add(K8s.Secret("ns", "cert", "kubernetes.io/tls", "not a certificate", "not a key")), DiagnosticReasons.TlsSecretInvalid },
        { "key of another certificate", s => s.Add(K8s.Secret("ns", "cert", "kubernetes.io/tls", Pair.Crt, OtherPair.Key)), DiagnosticReasons.TlsSecretInvalid },
        { "empty key", s => s.Add(K8s.Secret("ns", "cert", "kubernetes.io/tls", Pair.Crt, null)), DiagnosticReasons.TlsSecretInvalid },
    };

    [Theory]
    [MemberData(nameof(Secrets))]
    public void Tls_secret_gives_a_host_certificate_or_a_diagnostic(string name, Func<StateBuilder, StateBuilder> secret, string? reason)
    {
        var state = secret(new StateBuilder().Backend("ns", "svc")
            .Add(K8s.Ingress("ns", "ing").Tls("cert", "App.Test", "www.app.test").Rule("app.test").Path("/", "Prefix", "svc", 80)));

        var snapshot = Run.Build(state);

        Assert.Single(snapshot.Routes);
        if (reason is null)
        {
            var certificate = Assert.Single(snapshot.Certificates);
            Assert.Equal(["app.test", "www.app.test"], certificate.Hosts.ToArray());
            Assert.Equal("secret/ns/cert", certificate.Source);
            Assert.True(certificate.Certificate.HasPrivateKey, name);
            Assert.Equal("CN=app.test", certificate.Certificate.Subject);
            Assert.Empty(snapshot.Diagnostics);
        }
        else
        {
            Assert.Empty(snapshot.Certificates);
            var diagnostic = snapshot.Only(reason);
            Assert.Equal("Ingress/ns/ing", diagnostic.Subject.ToString());
            Assert.Contains("default certificate", diagnostic.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void String_data_is_read_when_data_is_absent()
    {
        var secret = K8s.Secret("ns", "cert", "kubernetes.io/tls", null, null);
        secret.Data = null;
        secret.StringData = new Dictionary<string, string> { ["tls.crt"] = Pair.Crt, ["tls.key"] = Pair.Key };
        var snapshot = Run.Build(new StateBuilder().Add(secret).Add(K8s.Ingress("ns", "ing").Tls("cert", "app.test")));

        Assert.Single(snapshot.Certificates);
    }

    [Fact]
    public void Host_claimed_by_two_secrets_keeps_the_older_ingress_certificate()
    {
        var state = new StateBuilder()
            .Add(K8s.Secret("a", "cert", "kubernetes.io/tls", Pair.Crt, Pair.Key))
            .Add(K8s.Secret("b", "cert", "kubernetes.io/tls", OtherPair.Crt, OtherPair.Key))
            .Add(K8s.Ingress("b", "newer").Created(5).Tls("cert", "app.test", "b-only.test"))
            .Add(K8s.Ingress("a", "older").Created(1).Tls("cert", "app.test"));

        var snapshot = Run.Build(state);

        Assert.Equal(["secret/a/cert", "secret/b/cert"], snapshot.Certificates.Select(c => c.Source));
        Assert.Equal(["app.test"], snapshot.Certificates[0].Hosts.ToArray());
        Assert.Equal(["b-only.test"], snapshot.Certificates[1].Hosts.ToArray());
        var diagnostic = snapshot.Only(DiagnosticReasons.TlsHostConflict);
        Assert.Equal("Ingress/b/newer", diagnostic.Subject.ToString());
        Assert.Contains("a/older", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_secret_from_two_ingresses_is_one_certificate()
    {
        var state = new StateBuilder()
            .Add(K8s.Secret("ns", "cert", "kubernetes.io/tls", Pair.Crt, Pair.Key))
            .Add(K8s.Ingress("ns", "one").Tls("cert", "app.test"))
            .Add(K8s.Ingress("ns", "two").Tls("cert", "app.test", "*.app.test"));

        var snapshot = Run.Build(state);

        Assert.Equal(["*.app.test", "app.test"], Assert.Single(snapshot.Certificates).Hosts.ToArray());
        Assert.Empty(snapshot.Diagnostics);
    }

    [Fact]
    public void Invalid_tls_host_is_dropped_and_entries_without_secret_use_the_default()
    {
        var state = new StateBuilder()
            .Add(K8s.Secret("ns", "cert", "kubernetes.io/tls", Pair.Crt, Pair.Key))
            .Add(K8s.Ingress("ns", "ing").Tls("cert", "app.test", "bad_host").Tls(null, "nosecret.test"));

        var snapshot = Run.Build(state);

        Assert.Equal(["app.test"], Assert.Single(snapshot.Certificates).Hosts.ToArray());
        Assert.Equal([DiagnosticReasons.InvalidHost], snapshot.Reasons());
    }

    [Fact]
    public void Cache_parses_each_key_pair_once_and_returns_equal_results()
    {
        var cache = new CertificateCache();
        var state = new StateBuilder()
            .Add(K8s.Secret("ns", "cert", "kubernetes.io/tls", Pair.Crt, Pair.Key))
            .Add(K8s.Secret("ns", "bad", "kubernetes.io/tls", "garbage", "garbage"))
            .Add(K8s.Ingress("ns", "ing").Tls("cert", "app.test").Tls("bad", "bad.test"))
            .Build();

        var first = Translator.Build(state, Proxy.Model.ProbeResults.Empty, Run.Options(), 1, cache).Snapshot;
        var second = Translator.Build(state, Proxy.Model.ProbeResults.Empty, Run.Options(), 2, cache).Snapshot;
        var uncached = Translator.Build(state, Proxy.Model.ProbeResults.Empty, Run.Options(), 3).Snapshot;

        Assert.Equal(2, cache.Misses);
        Assert.Same(first.Certificates[0].Certificate, second.Certificates[0].Certificate);
        Assert.Equal(first.Diagnostics.ToArray(), second.Diagnostics.ToArray());
        Assert.Equal(first.Diagnostics.ToArray(), uncached.Diagnostics.ToArray());
        Assert.Equal(first.Certificates[0].Certificate.Thumbprint, uncached.Certificates[0].Certificate.Thumbprint);
    }

    [Fact]
    public void Cache_drops_entries_unused_for_a_whole_build()
    {
        var cache = new CertificateCache();
        var used = new StateBuilder()
            .Add(K8s.Secret("ns", "cert", "kubernetes.io/tls", Pair.Crt, Pair.Key))
            .Add(K8s.Ingress("ns", "ing").Tls("cert", "app.test"))
            .Build();
        var unused = new StateBuilder().Build();

        Translator.Build(used, Proxy.Model.ProbeResults.Empty, Run.Options(), 1, cache);
        Assert.Equal(1, cache.Count);
        Translator.Build(unused, Proxy.Model.ProbeResults.Empty, Run.Options(), 2, cache);
        Assert.Equal(1, cache.Count);
        Translator.Build(unused, Proxy.Model.ProbeResults.Empty, Run.Options(), 3, cache);
        Assert.Equal(0, cache.Count);
    }
}

public class DefaultCertificateTests
{
    private static readonly (string Crt, string Key) Pair = K8s.SelfSigned("default.test");

    public static TheoryData<string, Func<StateBuilder, StateBuilder>, string?> Secrets => new()
    {
        { "valid", s => s.Add(K8s.Secret("plexus-system", "default-cert", "kubernetes.io/tls", Pair.Crt, Pair.Key)), null },
        { "missing", s => s, DiagnosticReasons.TlsSecretNotFound },
        { "wrong type", s => s.Add(K8s.Secret("plexus-system", "default-cert", "kubernetes.io/dockerconfigjson", Pair.Crt, Pair.Key)), DiagnosticReasons.TlsSecretInvalid },
        { "garbage", s => s.Add(K8s.Secret("plexus-system", "default-cert", "kubernetes.io/tls", "x", "y")), DiagnosticReasons.TlsSecretInvalid },
    };

    [Theory]
    [MemberData(nameof(Secrets))]
    public void Default_ssl_certificate_comes_from_its_secret_or_a_diagnostic_on_it(string name, Func<StateBuilder, StateBuilder> secret, string? reason)
    {
        var options = Run.Options();
        options.DefaultCertificateSecret = "plexus-system/default-cert";

        var snapshot = Run.Build(secret(new StateBuilder()), options);

        if (reason is null)
        {
            Assert.NotNull(snapshot.DefaultCertificate);
            Assert.Equal("CN=default.test", snapshot.DefaultCertificate.Certificate.Subject);
            Assert.Equal("secret/plexus-system/default-cert", snapshot.DefaultCertificate.Source);
            Assert.Empty(snapshot.Diagnostics);
        }
        else
        {
            Assert.True(snapshot.DefaultCertificate is null, name);
            var diagnostic = snapshot.Only(reason);
            Assert.Equal(new Plexus.Proxy.Model.ObjectRef("Secret", "plexus-system", "default-cert"), diagnostic.Subject);
            Assert.Contains("self-signed default certificate is served instead", diagnostic.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_flag_no_default_certificate() => Assert.Null(Run.Build(new StateBuilder()).DefaultCertificate);
}
