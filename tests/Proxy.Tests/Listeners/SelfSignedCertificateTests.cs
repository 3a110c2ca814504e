using System.Security.Cryptography.X509Certificates;
using Plexus.Proxy.Listeners;

namespace Plexus.Proxy.Tests.Listeners;

public sealed class SelfSignedCertificateTests
{
    [Fact]
    public void Default_certificate_is_a_year_long_ecdsa_server_certificate_with_its_key()
    {
        var now = new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

        using var certificate = SelfSignedCertificate.Create(new FixedTimeProvider(now));

        Assert.Equal("CN=Plexus Default Certificate", certificate.Subject);
        Assert.True(certificate.HasPrivateKey);
        Assert.NotNull(certificate.GetECDsaPrivateKey());
        Assert.True(certificate.NotBefore.ToUniversalTime() <= now.UtcDateTime);
        Assert.Equal(now.AddYears(1).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        var usage = Assert.Single(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>());
        Assert.Contains(usage.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), oid => oid.Value == "1.3.6.1.5.5.7.3.1");
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
