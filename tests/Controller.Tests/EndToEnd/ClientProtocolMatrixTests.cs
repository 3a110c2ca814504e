using System.Net;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// One backend per declared protocol behind the whole application (manifest mode), reached by every client protocol
/// Plexus accepts: HTTP/1.1 and h2c on the same plain port, h2 on the TLS port.
/// </summary>
public sealed class ClientProtocolMatrixFixture : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexus-e2e-matrix-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, TestBackend> _backends = [];

    /// <summary>Route name → (declared protocol, backend kind). The route is /{name}, the Service {name}.</summary>
    public static IReadOnlyDictionary<string, (string Protocol, TestBackendKind Kind)> Routes { get; } = new Dictionary<string, (string, TestBackendKind)>
    {
        ["http"] = ("http", TestBackendKind.Http1),
        ["h2c"] = ("h2c", TestBackendKind.H2c),
        ["h2"] = ("h2", TestBackendKind.TlsH2),
        ["https"] = ("https", TestBackendKind.TlsHttp1AndHttp2),
        ["https-h1"] = ("https", TestBackendKind.TlsHttp1),
    };

    public PlexusUnderTest Plexus { get; private set; } = null!;

    public TestBackend Backend(string route) => _backends[route];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllTextAsync(Path.Combine(_folder, "class.yaml"), ManifestYaml.IngressClass);
        foreach (var (route, (protocol, kind)) in Routes)
        {
            var backend = await TestBackend.StartAsync(kind);
            _backends[route] = backend;
            await File.WriteAllTextAsync(Path.Combine(_folder, route + ".yaml"), ManifestYaml.Backend(route, backend, protocol));
        }

        await File.WriteAllTextAsync(
            Path.Combine(_folder, "ingress.yaml"),
            ManifestYaml.Ingress("matrix", [.. Routes.Keys.Select(route => ("/" + route + "/", route))]));
        Plexus = await PlexusUnderTest.StartAsync(new Dictionary<string, string?> { ["Plexus:Manifests"] = _folder });
        await Plexus.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        if (Plexus is not null)
        {
            await Plexus.DisposeAsync();
        }

        foreach (var backend in _backends.Values)
        {
            await backend.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class ClientProtocolMatrixTests(ClientProtocolMatrixFixture fixture) : IClassFixture<ClientProtocolMatrixFixture>
{
    public static TheoryData<ClientProtocol, string, string> Cases()
    {
        var data = new TheoryData<ClientProtocol, string, string>();
        foreach (var client in Enum.GetValues<ClientProtocol>())
        {
            data.Add(client, "http", "HTTP/1.1");
            data.Add(client, "h2c", "HTTP/2");
            data.Add(client, "h2", "HTTP/2");
            // https offers h2 and http/1.1 in ALPN: h2 where the backend has it, HTTP/1.1 where it does not.
            data.Add(client, "https", "HTTP/2");
            data.Add(client, "https-h1", "HTTP/1.1");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_backend_sees_its_declared_protocol_whatever_the_client_spoke(ClientProtocol client, string route, string expectedProtocol)
    {
        var path = $"/{route}/{client}-{Guid.NewGuid():N}";

        var response = await fixture.Plexus.GetAsync(path, client);

        Assert.True(response.IsOk, response.ToString());
        Assert.Equal(client == ClientProtocol.Http11 ? HttpVersion.Version11 : HttpVersion.Version20, response.Version);
        var seen = Assert.Single(fixture.Backend(route).RequestsFor(path));
        Assert.Equal(expectedProtocol, seen.Protocol);
        Assert.Equal(client == ClientProtocol.TlsH2 ? "https" : "http", seen.XForwardedProto);
    }
}
