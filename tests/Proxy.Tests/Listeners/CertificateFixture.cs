using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Plexus.Proxy.Listeners;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Tests.Listeners;

/// <summary>Certificates shared by the listener tests (creating keys is the slow part).</summary>
public sealed class CertificateFixture : IDisposable
{
    public X509Certificate2 Default { get; } = SelfSignedCertificate.Create();

    public X509Certificate2 Exact { get; } = SelfSignedCertificate.Create(TimeProvider.System, "exact.test.local");

    public X509Certificate2 Wildcard { get; } = SelfSignedCertificate.Create(TimeProvider.System, "wild.test.local");

    public X509Certificate2 Replacement { get; } = SelfSignedCertificate.Create(TimeProvider.System, "replacement.test.local");

    public ImmutableArray<HostCertificate> Hosts =>
    [
        new(["exact.test.local"], Exact, "secret/default/exact"),
        new(["*.wild.test.local"], Wildcard, "secret/default/wild"),
    ];

    public void Dispose()
    {
        Default.Dispose();
        Exact.Dispose();
        Wildcard.Dispose();
        Replacement.Dispose();
    }
}
