using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Plexus.Testing.Grpc;

namespace Plexus.Bench.Backend;

/// <summary>Loopback benchmark backend. Configuration keys: h1-port (HTTP/1.1), h2c-port (HTTP/2 prior knowledge, also gRPC).</summary>
internal static class Program
{
    private static readonly byte[] Body = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"u8.ToArray();

    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var h1 = builder.Configuration.GetValue("h1-port", 18401);
        var h2c = builder.Configuration.GetValue("h2c-port", 18402);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, h1, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, h2c, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.Http2.MaxStreamsPerConnection = 256;
        });
        builder.Services.AddGrpc();

        var app = builder.Build();
        app.MapGrpcService<EchoBench>();
        app.MapGet("/", static (HttpContext context) =>
        {
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
        await app.RunAsync();
    }

    private sealed class EchoBench : Echo.EchoBase
    {
        public override Task<EchoReply> Say(EchoRequest request, ServerCallContext context) =>
            Task.FromResult(new EchoReply { Text = request.Text });
    }
}
