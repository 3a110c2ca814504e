using System.Security.Cryptography.X509Certificates;
using Plexus.Controller.Translation;
using Plexus.Testing;

namespace Plexus.Controller.Tests.Translation;

/// <summary>tls.crt as cert-manager and public CAs issue it: leaf, then intermediates; and the ways it goes wrong.</summary>
public sealed class TlsChainTests : IDisposable
{
    private readonly X509Certificate2 _root = TestCertificates.CreateCa("Chain Root");
    private readonly X509Certificate2 _intermediate;
    private readonly X509Certificate2 _issuing;
    private readonly X509Certificate2 _leaf;
    private readonly X509Certificate2 _unrelated = TestCertificates.CreateCa("Unrelated CA");

    public TlsChainTests()
    {
        _intermediate = TestCertificates.CreateIntermediate(_root, "Chain Intermediate");
        _issuing = TestCertificates.CreateIntermediate(_intermediate, "Chain Issuing");
        _leaf = TestCertificates.CreateLeaf(_issuing, "app.test");
    }

    public enum Outcome
    {
        Served,
        ServedCorrected,
        Refused,
    }

    // Names of the certificates in tls.crt order: leaf (L), issuing (I), intermediate (M), root (R), unrelated (U).
    public static TheoryData<string, Outcome, string> Bundles => new()
    {
        { "L", Outcome.Served, "" },
        { "L I M", Outcome.Served, "I M" },
        { "L I M R", Outcome.Served, "I M R" },
        { "L I", Outcome.Served, "I" },
        { "L M I", Outcome.ServedCorrected, "I M" },
        { "L I U M", Outcome.ServedCorrected, "I M" },
        { "L M", Outcome.ServedCorrected, "" },
        { "I L M", Outcome.Refused, "" },
        { "I M", Outcome.Refused, "" },
    };

    [Theory]
    [MemberData(nameof(Bundles))]
    public void Chain_in_tls_crt_is_served_in_issuer_order_or_the_secret_is_refused(string bundle, Outcome outcome, string served)
    {
        var crt = string.Join("\n", bundle.Split(' ').Select(n => Certificate(n).ExportCertificatePem()));
        var state = new StateBuilder().Backend("ns", "svc")
            .Add(K8s.Secret("ns", "cert", "kubernetes.io/tls", crt, TestCertificates.KeyToPem(_leaf)))
            .Add(K8s.Ingress("ns", "ing").Tls("cert", "app.test").Rule("app.test").Path("/", "Prefix", "svc", 80));

        var snapshot = Run.Build(state);

        Assert.Single(snapshot.Routes);
        if (outcome == Outcome.Refused)
        {
            Assert.Empty(snapshot.Certificates);
            var diagnostic = snapshot.Only(DiagnosticReasons.TlsSecretInvalid);
            var expected = bundle.Contains('L', StringComparison.Ordinal) ? "must start with the leaf" : "does not match the first certificate";
            Assert.Contains(expected, diagnostic.Message, StringComparison.Ordinal);
            return;
        }

        var certificate = Assert.Single(snapshot.Certificates);
        Assert.Equal(_leaf.Thumbprint, certificate.Certificate.Thumbprint);
        Assert.True(certificate.Certificate.HasPrivateKey);
        Assert.Equal(
            served.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(n => Certificate(n).Thumbprint),
            certificate.Chain.Select(c => c.Thumbprint));
        if (outcome == Outcome.Served)
        {
            Assert.Empty(snapshot.Diagnostics);
        }
        else
        {
            var diagnostic = snapshot.Only(DiagnosticReasons.TlsChainCorrected);
            Assert.Equal(Plexus.Proxy.Model.DiagnosticSeverity.Warning, diagnostic.Severity);
            Assert.Equal("Ingress/ns/ing", diagnostic.Subject.ToString());
        }
    }

    [Fact]
    public void Default_certificate_carries_its_chain()
    {
        var crt = _leaf.ExportCertificatePem() + "\n" + _issuing.ExportCertificatePem() + "\n" + _intermediate.ExportCertificatePem();
        var options = Run.Options();
        options.DefaultCertificateSecret = "plexus-system/default-cert";

        var snapshot = Run.Build(new StateBuilder().Add(K8s.Secret("plexus-system", "default-cert", "kubernetes.io/tls", crt, TestCertificates.KeyToPem(_leaf))), options);

        Assert.NotNull(snapshot.DefaultCertificate);
        Assert.Equal([_issuing.Thumbprint, _intermediate.Thumbprint], snapshot.DefaultCertificate.Chain.Select(c => c.Thumbprint));
    }

    public void Dispose()
    {
        foreach (var certificate in new[] { _root, _intermediate, _issuing, _leaf, _unrelated })
        {
            certificate.Dispose();
        }
    }

    private X509Certificate2 Certificate(string name) => name switch
    {
        "L" => _leaf,
        "I" => _issuing,
        "M" => _intermediate,
        "R" => _root,
        "U" => _unrelated,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
