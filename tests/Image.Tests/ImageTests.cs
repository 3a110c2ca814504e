using System.Net;
using System.Runtime.Versioning;
using Plexus.Testing;

namespace Plexus.Image.Tests;

/// <summary>
/// The image built from the repository's Dockerfile (deploy/image/build.sh), run as the chart runs it: the image's
/// non-root user, read-only root filesystem, local-mode manifests mounted into it.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ImageTests
{
    /// <summary>The chart's pod security context and the Dockerfile's USER.</summary>
    private const int ImageUid = 1654;

    private static readonly ImageUnderTest Image = ImageUnderTest.FromEnvironment();

    [Fact]
    public async Task Runs_as_non_root_on_a_read_only_root_filesystem_and_proxies_the_mounted_local_manifests_to_a_backend()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        await Image.RequireAvailableAsync(ct);
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1, ct: ct);
        using var manifests = LocalManifests.CopyWithH1BackendPort(backend.Port);
        await using var plexus = await PlexusContainer.StartAsync(Image, manifests.Directory, ct);
        using var client = new HttpClient();

        await plexus.WaitUntilReadyAsync(client, ct);
        using var healthz = await client.GetAsync(new Uri(plexus.AdminAddress, "/healthz"), ct);
        using var response = await client.GetAsync(new Uri(plexus.HttpAddress, "/h1/through-the-image"), ct);

        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}\n{await plexus.LogsAsync()}");
        Assert.Equal("HTTP/1.1", Assert.Single(backend.RequestsFor("/h1/through-the-image")).Protocol);
        var state = (await plexus.InspectAsync(ct)).State ?? throw new InvalidOperationException("inspect returned no State");
        var process = ContainerProcess.Read(state.Pid);
        Assert.Equal(ImageUid, process.EffectiveUid);
        Assert.True(process.RootIsReadOnly, "the container's root filesystem is writable");
    }

    [Fact]
    public async Task Exits_0_on_SIGTERM_within_the_drain_time()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = timeout.Token;
        await Image.RequireAvailableAsync(ct);
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1, ct: ct);
        using var manifests = LocalManifests.CopyWithH1BackendPort(backend.Port);
        await using var plexus = await PlexusContainer.StartAsync(Image, manifests.Directory, ct);
        using var client = new HttpClient();
        await plexus.WaitUntilReadyAsync(client, ct);

        // As the chart's terminationGracePeriodSeconds: drain delay + shutdown timeout + 5 s; SIGKILL after that
        // would make the exit code 137.
        var exitCode = await plexus.StopAsync(PlexusContainer.DrainTime + TimeSpan.FromSeconds(5), ct);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{await plexus.LogsAsync()}");
    }
}
