namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>deploy/local as the README runs it: the local backends process and Plexus on deploy/local/manifests.</summary>
public sealed class LocalDeployFixture : IAsyncLifetime
{
    private LocalBackendsProcess? _backends;

    public PlexusUnderTest Plexus { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _backends = await LocalBackendsProcess.StartAsync();
        var manifests = Path.Combine(LocalBackendsProcess.RepositoryRoot(), "deploy", "local", "manifests");
        Plexus = await PlexusUnderTest.StartAsync(new Dictionary<string, string?> { ["Plexus:Manifests"] = manifests });
        await Plexus.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        if (Plexus is not null)
        {
            await Plexus.DisposeAsync();
        }

        if (_backends is not null)
        {
            await _backends.DisposeAsync();
        }
    }
}

public sealed class LocalDeployTests(LocalDeployFixture fixture) : IClassFixture<LocalDeployFixture>
{
    public static TheoryData<ClientProtocol, string, string> Examples()
    {
        var data = new TheoryData<ClientProtocol, string, string>();
        foreach (var client in Enum.GetValues<ClientProtocol>())
        {
            data.Add(client, "/h1", "local-h1: HTTP/1.1 ");
            data.Add(client, "/h2c", "local-h2c: HTTP/2 ");
            data.Add(client, "/h2", "local-h2: HTTP/2 ");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task The_example_paths_reach_their_backends_over_the_declared_protocol(ClientProtocol client, string path, string expected)
    {
        var response = await fixture.Plexus.GetAsync(path, client);

        Assert.True(response.IsOk, response.ToString());
        Assert.StartsWith(expected, response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("h1.localhost", "local-h1: HTTP/1.1 ")]
    [InlineData("h2c.localhost", "local-h2c: HTTP/2 ")]
    [InlineData("h2.localhost", "local-h2: HTTP/2 ")]
    public async Task The_example_hosts_reach_their_backends(string host, string expected)
    {
        var response = await fixture.Plexus.GetAsync("/", ClientProtocol.Http11, host);

        Assert.True(response.IsOk, response.ToString());
        Assert.StartsWith(expected, response.Body, StringComparison.Ordinal);
    }
}
