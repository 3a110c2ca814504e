using System.Net;
using System.Net.WebSockets;
using System.Text;
using Plexus.Proxy.Model;
using Plexus.Testing;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>Bodies stream through the proxy in both directions, cancellation reaches the backend, WebSockets pass.</summary>
public sealed class StreamingTests(ForwardingFixture fixture) : IClassFixture<ForwardingFixture>
{
    private const int TenMegabytes = 10 * 1024 * 1024;

    public static TheoryData<ClientKind, BackendProtocol, TestBackendKind> Paths() => new()
    {
        { ClientKind.Http1, BackendProtocol.Http, TestBackendKind.Http1 },
        { ClientKind.H2c, BackendProtocol.H2c, TestBackendKind.H2c },
        { ClientKind.H2Tls, BackendProtocol.H2, TestBackendKind.TlsH2 },
        { ClientKind.Http1, BackendProtocol.H2c, TestBackendKind.H2c },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Response_body_streams_before_the_backend_has_written_it_all(ClientKind client, BackendProtocol protocol, TestBackendKind kind)
    {
        var backend = fixture[kind];
        await fixture.Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", protocol, backend)]);
        var gate = Guid.NewGuid().ToString("N");

        using var response = await fixture.Proxy.CreateClient(client)
            .GetAsync($"/download/{TenMegabytes}?hold={gate}", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[64 * 1024];
        long total = 0;

        // The backend is parked at the gate after its first chunk: what arrives now cannot be a buffered whole body.
        while (total < TestBackend.HoldChunkBytes)
        {
            var read = await body.ReadAsync(buffer);
            Assert.NotEqual(0, read);
            total += read;
        }

        Assert.Equal(0, backend.Gates.CompletedCount(gate));
        backend.Gates.Release(gate);
        int n;
        while ((n = await body.ReadAsync(buffer)) > 0)
        {
            total += n;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TenMegabytes, total);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Request_body_streams_to_the_backend_as_it_is_sent(ClientKind client, BackendProtocol protocol, TestBackendKind kind)
    {
        var backend = fixture[kind];
        await fixture.Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", protocol, backend)]);
        var firstHalfArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var content = new GatedContent(TenMegabytes, firstPart: TenMegabytes / 2, firstHalfArrived.Task);
        using var request = ProxyHost.NewRequest(client, HttpMethod.Post, "/upload");
        request.Content = content;

        var sending = fixture.Proxy.CreateClient(client).SendAsync(request);

        // The client holds back the second half until the backend has counted most of the first (the proxy may keep
        // a copy buffer's worth in flight): the proxy cannot be waiting for the whole body.
        await Eventually.UntilAsync(() => backend.RequestsFor("/upload").Any(r => r.BodyLength >= TenMegabytes / 4 && r.BodyLength <= TenMegabytes / 2));
        firstHalfArrived.SetResult();
        using var response = await sending;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TenMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Cancelling_the_client_request_aborts_the_backend_request(ClientKind client, BackendProtocol protocol, TestBackendKind kind)
    {
        var backend = fixture[kind];
        await fixture.Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", protocol, backend)]);
        var gate = Guid.NewGuid().ToString("N");
        using var cancel = new CancellationTokenSource();

        var sending = fixture.Proxy.CreateClient(client).GetAsync($"/slow/{gate}", cancel.Token);
        await Eventually.UntilAsync(() => backend.Gates.StartedCount(gate) == 1);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        await Eventually.UntilAsync(() => backend.Gates.AbortedCount(gate) == 1, because: "the backend saw RequestAborted");
    }

    [Fact]
    public async Task Websocket_passes_through_an_http1_backend()
    {
        var backend = fixture[TestBackendKind.Http1];
        await fixture.Proxy.ApplyAsync(CatchAll("c"), [Cluster("c", BackendProtocol.Http, backend)]);
        using var socket = new ClientWebSocket();

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{fixture.Proxy.Http1Port}/ws"), CancellationToken.None);
        var message = Encoding.UTF8.GetBytes("hello through plexus");
        await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal("hello through plexus", Encoding.UTF8.GetString(buffer, 0, received.Count));
        Assert.Equal("HTTP/1.1", backend.RequestsFor("/ws")[^1].Protocol);
    }

    [Fact]
    public async Task Http2_backend_gets_more_connections_when_its_stream_limit_is_reached()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.H2c, new TestBackendOptions { MaxStreamsPerConnection = 2 });
        await fixture.Proxy.ApplyAsync(CatchAll("limited"), [Cluster("limited", BackendProtocol.H2c, backend)]);
        var client = fixture.Proxy.CreateClient(ClientKind.Http1);
        var gate = Guid.NewGuid().ToString("N");

        var requests = Enumerable.Range(0, 8).Select(_ => client.GetAsync($"/slow/{gate}")).ToArray();
        await Eventually.UntilAsync(
            () => backend.Gates.StartedCount(gate) == 8 || requests.Any(r => r.IsCompleted),
            because: "all 8 requests run at once");
        Assert.True(backend.Gates.StartedCount(gate) == 8, string.Join("; ", requests.Where(r => r.IsCompleted).Select(Describe)));
        backend.Gates.Release(gate);
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True(backend.RequestsFor($"/slow/{gate}").Select(r => r.ConnectionId).Distinct().Count() > 1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private static string Describe(Task<HttpResponseMessage> request) => request.IsCompletedSuccessfully
        ? $"{(int)request.Result.StatusCode} {request.Result.Headers} {request.Result.Content.ReadAsStringAsync().Result}"
        : request.Exception?.GetBaseException().Message ?? "canceled";

    /// <summary>A request body that sends its first part, waits for a signal, then sends the rest.</summary>
    private sealed class GatedContent(long length, long firstPart, Task proceed) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[64 * 1024];
            long sent = 0;
            while (sent < length)
            {
                if (sent == firstPart)
                {
                    await stream.FlushAsync();
                    await proceed;
                }

                var count = (int)Math.Min(chunk.Length, Math.Min(length - sent, sent < firstPart ? firstPart - sent : length - sent));
                await stream.WriteAsync(chunk.AsMemory(0, count));
                sent += count;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
