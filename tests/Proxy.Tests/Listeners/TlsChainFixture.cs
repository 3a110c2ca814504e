using System.Security.Cryptography.X509Certificates;
using Plexus.Testing;

namespace Plexus.Proxy.Tests.Listeners;

/// <summary>A real root → intermediate → leaf chain, as a public CA or cert-manager issues it.</summary>
public sealed class TlsChainFixture : IDisposable
{
    public TlsChainFixture()
    {
        Root = TestCertificates.CreateCa("Plexus Test Root CA");
        Intermediate = TestCertificates.CreateIntermediate(Root);
        Leaf = TestCertificates.CreateLeaf(Intermediate, "chain.test.local", "leaf-only.test.local");
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public X509Certificate2 Leaf { get; }

    public void Dispose()
    {
        Leaf.Dispose();
        Intermediate.Dispose();
        Root.Dispose();
    }
}
