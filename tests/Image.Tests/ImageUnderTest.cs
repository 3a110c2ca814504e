using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Configurations;

namespace Plexus.Image.Tests;

/// <summary>
/// The Plexus image these tests run and the Docker-compatible API that runs it: podman's (<c>podman system service</c>),
/// as started by deploy/image/build.sh. Both come from the environment the script prints (PLEXUS_IMAGE, DOCKER_HOST),
/// with the script's defaults.
/// </summary>
internal sealed class ImageUnderTest
{
    public const string BuildCommand = "sudo bash deploy/image/build.sh";

    private ImageUnderTest(string image, Uri endpoint)
    {
        Image = image;
        Endpoint = endpoint;
    }

    /// <summary>The image name, e.g. localhost/plexus-ingress:dev.</summary>
    public string Image { get; }

    /// <summary>The API socket, e.g. unix:///run/podman/podman.sock.</summary>
    public Uri Endpoint { get; }

    public static ImageUnderTest FromEnvironment() => new(
        Environment.GetEnvironmentVariable("PLEXUS_IMAGE") is { Length: > 0 } image ? image : "localhost/plexus-ingress:dev",
        new Uri(Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///run/podman/podman.sock"));

    /// <summary>A Docker API client configured as Testcontainers configures its own.</summary>
    public DockerClient CreateClient() => new DockerEndpointAuthenticationConfiguration(Endpoint).GetDockerClientBuilder().Build();

    /// <summary>
    /// Fails the test with what is missing and the command that provides it, when the API does not answer or the image
    /// is not there. Never a skip: a test that cannot run must not look like one that passed.
    /// </summary>
    public async Task RequireAvailableAsync(CancellationToken ct)
    {
        using var client = CreateClient();
        try
        {
            await client.System.PingAsync(ct);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            Assert.Fail($"The image tests need a Docker-compatible API at {Endpoint} (podman system service), and none answers " +
                        $"({e.GetType().Name}: {e.Message}). Run `{BuildCommand}` (installs podman, builds the image {Image}, " +
                        "starts the API; several minutes the first time), then run the tests again. " +
                        "DOCKER_HOST and PLEXUS_IMAGE select another API or image.");
        }

        ImageInspectResponse inspected;
        try
        {
            inspected = await client.Images.InspectImageAsync(Image, ct);
        }
        catch (DockerImageNotFoundException)
        {
            Assert.Fail($"The image {Image} does not exist at {Endpoint}. Run `{BuildCommand}` to build it from this tree, " +
                        "then run the tests again (PLEXUS_IMAGE selects another image).");
            throw; // not reached: Assert.Fail throws
        }

        // An image of other sources would test code this tree does not have.
        var built = inspected.Config?.Labels is { } labels && labels.TryGetValue(ImageSources.Label, out var label) ? label : "none";
        var tree = ImageSources.Digest(Repository.Root);
        Assert.True(
            built == tree,
            $"The image {Image} was built from other sources than this tree (label {ImageSources.Label}: {built}, this tree: {tree}). " +
            $"Run `{BuildCommand}` to rebuild it (the layer cache makes that quick when little changed), then run the tests again.");
    }
}
