using System.Security.Cryptography.X509Certificates;
using Plexus.Testing;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>One proxy and one started backend of every kind, shared by the tests of a class.</summary>
public sealed class ForwardingFixture : IAsyncLifetime
{
    private readonly Dictionary<TestBackendKind, TestBackend> _backends = [];

    /// <summary>The CA that signed the TLS backends' certificates (names "backend.test", "localhost", 127.0.0.1).</summary>
    public X509Certificate2 Ca { get; } = TestCertificates.CreateCa("Plexus Backend CA");

    /// <summary>A CA that signed nothing the backends use.</summary>
    public X509Certificate2 OtherCa { get; } = TestCertificates.CreateCa("Plexus Other CA");

    public ProxyHost Proxy { get; private set; } = null!;

    public TestBackend this[TestBackendKind kind] => _backends[kind];

    public async Task InitializeAsync()
    {
        var leaf = TestCertificates.CreateLeaf(Ca, "backend.test", "localhost");
        var starting = Enum.GetValues<TestBackendKind>()
            .Select(kind => TestBackend.StartAsync(kind, new TestBackendOptions { Certificate = leaf }))
            .ToArray();
        var proxy = ProxyHost.StartAsync(options => options.DefaultRequestTimeout = TimeSpan.FromSeconds(30));
        foreach (var backend in await Task.WhenAll(starting))
        {
            _backends[backend.Kind] = backend;
        }

        Proxy = await proxy;
    }

    public async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        foreach (var backend in _backends.Values)
        {
            await backend.DisposeAsync();
        }

        Ca.Dispose();
        OtherCa.Dispose();
    }
}
