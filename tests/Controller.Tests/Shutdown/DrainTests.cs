using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Plexus.Controller.Hosting;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Controller.Tests.Leadership;
using Plexus.Testing;
using static Plexus.Controller.Tests.Leadership.PlexusCluster;

namespace Plexus.Controller.Tests.Shutdown;

public sealed class DrainTests
{
    private const int StreamBytes = 1024 * 1024;

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")] // h2c prior knowledge to the proxy: Kestrel sends GOAWAY on stop, the open stream still completes
    public async Task Shutdown_turns_readyz_off_keeps_serving_through_the_drain_delay_and_completes_an_in_flight_stream(string clientVersion)
    {
        await using var cluster = await PlexusCluster.StartAsync();
        var drainClock = new FakeTimeProvider();
        var app = await cluster.StartPlexusAsync(
            "solo",
            new Dictionary<string, string?> { ["Plexus:DrainDelay"] = "30" },
            builder => builder.Services.AddKeyedSingleton<TimeProvider>(DrainOptions.ClockKey, drainClock));
        var endpoints = app.Services.GetRequiredService<PlexusEndpoints>();
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{endpoints.Admin.Port}/") };
        await WaitForRoutesAsync(app);
        await Eventually.UntilAsync(async () => await StatusAsync(admin, "/readyz") == HttpStatusCode.OK, because: "ready");

        // A streaming response the backend holds after its first chunk.
        using var streaming = TrafficClient(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/download/{StreamBytes}?hold=drain")
        {
            Version = Version.Parse(clientVersion),
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = "site.test";
        using var response = await streaming.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Assert.Equal(request.Version, response.Version);
        await Poll.UntilAsync(() => cluster.Backend.Gates.StartedCount("drain") == 1, "stream in flight");

        var stopping = cluster.StopAsync(app);

        await Eventually.UntilAsync(async () => await StatusAsync(admin, "/readyz") == HttpStatusCode.ServiceUnavailable, because: "/readyz turns 503");
        // The drain delay has not passed: a new connection is still accepted and proxied.
        using (var fresh = TrafficClient(app))
        {
            Assert.Contains("GET /during-drain", await GetSiteAsync(fresh, "/during-drain"), StringComparison.Ordinal);
        }

        drainClock.Advance(TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(async () => !await AcceptsAsync(endpoints.Http), because: "the listener stops accepting after the drain delay");
        Assert.False(stopping.IsCompleted, "the host waits for the in-flight stream");

        cluster.Backend.Gates.Release("drain");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(StreamBytes, body.Length);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, cluster.Backend.Gates.AbortedCount("drain"));
        Assert.Equal(1, cluster.Backend.Gates.CompletedCount("drain"));
    }

    // Asynchronous on purpose: with inline socket completions a blocking wait can hold the thread that would complete it.
    private static async Task<HttpStatusCode?> StatusAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<bool> AcceptsAsync(IPEndPoint endpoint)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
