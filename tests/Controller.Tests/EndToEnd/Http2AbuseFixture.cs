using Plexus.Controller.Cli;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// The whole application (manifest mode) in front of one HTTP/1.1 backend, started from command-line flags: at most
/// <see cref="MaxConcurrentStreams"/> HTTP/2 streams per client connection and a short request headers timeout.
/// </summary>
public sealed class Http2AbuseFixture : IAsyncLifetime
{
    public const int MaxConcurrentStreams = 4;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexus-e2e-h2-abuse-" + Guid.NewGuid().ToString("N"));

    public PlexusUnderTest Plexus { get; private set; } = null!;

    public TestBackend Backend { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        Backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        await File.WriteAllTextAsync(Path.Combine(_folder, "class.yaml"), ManifestYaml.IngressClass);
        await File.WriteAllTextAsync(Path.Combine(_folder, "backend.yaml"), ManifestYaml.Backend("web", Backend));
        await File.WriteAllTextAsync(Path.Combine(_folder, "ingress.yaml"), ManifestYaml.Ingress("web", ("/", "web")));
        var flags = CommandLine.Parse(
        [
            "--manifests", _folder,
            "--http2-max-concurrent-streams", MaxConcurrentStreams.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--request-headers-timeout", "1s",
        ]);
        Plexus = await PlexusUnderTest.StartAsync(flags.Settings);
        await Plexus.WaitUntilReadyAsync();
        await Plexus.WaitForAsync("/ready", r => r.IsOk, "the route is served");
    }

    public async Task DisposeAsync()
    {
        if (Plexus is not null)
        {
            await Plexus.DisposeAsync();
        }

        if (Backend is not null)
        {
            await Backend.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }
}
