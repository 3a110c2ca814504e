using Grpc.Core;
using Grpc.Net.Client;
using Plexus.Proxy.Model;
using Plexus.Testing;
using Plexus.Testing.Grpc;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>gRPC unary and server streaming, with trailers, through h2c and h2 backends.</summary>
public sealed class GrpcForwardingTests(ForwardingFixture fixture) : IClassFixture<ForwardingFixture>
{
    public static TheoryData<ClientKind, BackendProtocol, TestBackendKind> Cases() => new()
    {
        { ClientKind.H2c, BackendProtocol.H2c, TestBackendKind.H2c },
        { ClientKind.H2c, BackendProtocol.H2, TestBackendKind.TlsH2 },
        { ClientKind.H2Tls, BackendProtocol.H2c, TestBackendKind.H2c },
        { ClientKind.H2Tls, BackendProtocol.H2, TestBackendKind.TlsH2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Unary_call_returns_reply_status_and_trailers(ClientKind client, BackendProtocol protocol, TestBackendKind kind)
    {
        await fixture.Proxy.ApplyAsync(CatchAll("grpc"), [Cluster("grpc", protocol, fixture[kind])]);
        using var channel = Channel(client);

        using var call = new Echo.EchoClient(channel).SayAsync(new EchoRequest { Text = "hi" });
        var reply = await call.ResponseAsync;

        Assert.Equal("hi", reply.Text);
        Assert.Equal("HTTP/2", reply.Protocol);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("said", call.GetTrailers().GetValue("echo-trailer"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Server_streaming_call_delivers_every_message_then_trailers(ClientKind client, BackendProtocol protocol, TestBackendKind kind)
    {
        await fixture.Proxy.ApplyAsync(CatchAll("grpc"), [Cluster("grpc", protocol, fixture[kind])]);
        using var channel = Channel(client);

        using var call = new Echo.EchoClient(channel).Stream(new EchoRequest { Text = "s", Count = 50 });
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal(Enumerable.Range(0, 50), indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        Assert.Equal("streamed", call.GetTrailers().GetValue("echo-trailer"));
    }

    private GrpcChannel Channel(ClientKind client)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return GrpcChannel.ForAddress(fixture.Proxy.BaseAddress(client), new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
