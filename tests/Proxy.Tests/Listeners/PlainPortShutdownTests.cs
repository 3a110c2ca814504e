using System.Net;
using System.Net.Sockets;
using Plexus.Proxy.Listeners;

namespace Plexus.Proxy.Tests.Listeners;

public sealed class PlainPortShutdownTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>
{
    [Fact]
    public async Task Shutdown_is_not_held_up_by_a_connection_waiting_for_its_first_bytes()
    {
        // Both the detection timeout and the host's shutdown timeout are far beyond the bound below, so the stop
        // only completes in time if the waiting connection gives up when Kestrel asks connections to close.
        var server = await ListenerTestServer.StartAsync(
            new CertificateTable(certificates.Default),
            options => options.ProtocolDetectionTimeout = TimeSpan.FromMinutes(10),
            shutdownTimeout: TimeSpan.FromMinutes(10));
        await using var _ = server;
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.HttpPort));
        await silent.SendAsync("PRI * "u8.ToArray()); // undecided: the middleware keeps waiting

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stop = server.StopAsync(CancellationToken.None);
        await stop.WaitAsync(bound.Token);

        Assert.True(stop.IsCompletedSuccessfully);
    }
}
