using Plexus.Proxy.Model;
using Plexus.Proxy.Tests.Forwarding;
using Plexus.Testing;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Hygiene;

/// <summary>
/// The proxy behind its production listeners, and for each cleartext backend protocol (HTTP/1.1, h2c) two backends:
/// <see cref="AppHost"/> routes to the first, <see cref="OtherHost"/> to the second, so a test sees which Host was routed.
/// </summary>
public sealed class HygieneFixture : IAsyncLifetime
{
    public const string AppHost = "app.test";
    public const string OtherHost = "other.test";

    private readonly Dictionary<BackendProtocol, (TestBackend App, TestBackend Other)> _backends = [];

    public ProxyHost Proxy { get; private set; } = null!;

    public TestBackend App(BackendProtocol protocol) => _backends[protocol].App;

    public TestBackend Other(BackendProtocol protocol) => _backends[protocol].Other;

    public async Task InitializeAsync()
    {
        var starting = new[] { TestBackendKind.Http1, TestBackendKind.Http1, TestBackendKind.H2c, TestBackendKind.H2c }
            .Select(kind => TestBackend.StartAsync(kind))
            .ToArray();
        var proxy = ProxyHost.StartWithPlexusListenersAsync(options => options.DefaultRequestTimeout = TimeSpan.FromSeconds(30));
        var backends = await Task.WhenAll(starting);
        _backends[BackendProtocol.Http] = (backends[0], backends[1]);
        _backends[BackendProtocol.H2c] = (backends[2], backends[3]);
        Proxy = await proxy;
    }

    /// <summary>Routes <see cref="AppHost"/> and <see cref="OtherHost"/> to the backends spoken to with <paramref name="protocol"/>.</summary>
    public Task RouteToAsync(BackendProtocol protocol) =>
        Proxy.ApplyAsync(
            [Route("app", "app", host: AppHost), Route("other", "other", host: OtherHost)],
            [Cluster("app", protocol, App(protocol)), Cluster("other", protocol, Other(protocol))]);

    public async Task DisposeAsync()
    {
        await Proxy.DisposeAsync();
        foreach (var (app, other) in _backends.Values)
        {
            await app.DisposeAsync();
            await other.DisposeAsync();
        }
    }
}
