using System.Globalization;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using Plexus.Testing;

namespace Plexus.Image.Tests;

/// <summary>
/// The Plexus image running in local mode on the manifests of a folder, through Testcontainers: host network (it binds
/// 127.0.0.1 only, as local mode does), read-only root filesystem with a tmpfs /tmp (as the chart runs it), as the
/// image's own user. No resource reaper (WithCleanUp(false); its image could not be pulled here anyway):
/// <see cref="DisposeAsync"/> removes the container.
/// </summary>
internal sealed class PlexusContainer : IAsyncDisposable
{
    private const string ManifestsPath = "/manifests";

    private readonly ImageUnderTest _image;
    private readonly IContainer _container;

    private PlexusContainer(ImageUnderTest image, IContainer container, int httpPort, int adminPort)
    {
        _image = image;
        _container = container;
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}/");
        AdminAddress = new Uri($"http://127.0.0.1:{adminPort}/");
    }

    public Uri HttpAddress { get; }

    public Uri AdminAddress { get; }

    public string Id => _container.Id;

    /// <summary>Generous: the .NET runtime starts slowly on a loaded 2-core machine.</summary>
    private static TimeSpan StartTimeout { get; } = TimeSpan.FromSeconds(90);

    /// <summary>Drain delay plus shutdown timeout passed to Plexus: how long it may take to exit after SIGTERM.</summary>
    public static TimeSpan DrainTime { get; } = TimeSpan.FromSeconds(2 + 3);

    public static async Task<PlexusContainer> StartAsync(ImageUnderTest image, string manifestsDirectory, CancellationToken ct)
    {
        int httpPort = LoopbackPorts.Free(), httpsPort = LoopbackPorts.Free(), adminPort = LoopbackPorts.Free();
        var container = new ContainerBuilder(image.Image)
            .WithDockerEndpoint(image.Endpoint)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithCleanUp(false)
            .WithBindMount(manifestsDirectory, ManifestsPath, AccessMode.ReadOnly)
            .WithTmpfsMount("/tmp")
            .WithCommand(
                "--manifests", ManifestsPath,
                "--http-port", Port(httpPort), "--https-port", Port(httpsPort), "--admin-port", Port(adminPort),
                "--drain-delay", "2s", "--shutdown-timeout", "3s")
            .WithCreateParameterModifier(parameters =>
            {
                parameters.HostConfig ??= new HostConfig();
                parameters.HostConfig.NetworkMode = "host";
                parameters.HostConfig.ReadonlyRootfs = true;
            })
            .Build();
        try
        {
            await container.StartAsync(ct);
        }
        catch
        {
            await new PlexusContainer(image, container, httpPort, adminPort).DisposeAsync();
            throw;
        }

        return new PlexusContainer(image, container, httpPort, adminPort);
    }

    /// <summary>Waits until /readyz answers 200; fails with the container's output when it never does.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client, CancellationToken ct)
    {
        var readyz = new Uri(AdminAddress, "/readyz");
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    try
                    {
                        using var response = await client.GetAsync(readyz, ct);
                        return response.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                StartTimeout,
                $"{readyz} answers 200");
        }
        catch (TimeoutException e)
        {
            Assert.Fail($"{e.Message}\n{await LogsAsync()}");
        }
    }

    public async Task<ContainerInspectResponse> InspectAsync(CancellationToken ct)
    {
        using var client = _image.CreateClient();
        return await client.Containers.InspectContainerAsync(_container.Id, ct);
    }

    /// <summary>
    /// What <c>docker stop</c> and the kubelet do: SIGTERM, then SIGKILL after <paramref name="grace"/>. Returns the
    /// exit code (137 when it had to be killed).
    /// </summary>
    public async Task<long> StopAsync(TimeSpan grace, CancellationToken ct)
    {
        using var client = _image.CreateClient();
        await client.Containers.StopContainerAsync(_container.Id, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)grace.TotalSeconds }, ct);
        return await _container.GetExitCodeAsync(ct);
    }

    /// <summary>The container's output, for failure messages.</summary>
    public async Task<string> LogsAsync()
    {
        var (stdout, stderr) = await _container.GetLogsAsync(timestampsEnabled: false);
        return $"stdout:\n{stdout}\nstderr:\n{stderr}";
    }

    /// <summary>
    /// Testcontainers only stops a container it does not hand to a resource reaper (it keeps it for reuse); this one is
    /// removed as well, so test runs leave nothing behind.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var id = _container.Id;
        await _container.DisposeAsync();
        if (string.IsNullOrEmpty(id))
        {
            return; // never created
        }

        using var client = _image.CreateClient();
        await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
