using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace Plexus.Bench.Scale;

/// <summary>Two HTTP/1.1 backends in one Kestrel (127.0.0.1, two ephemeral ports), each answering its own name.</summary>
internal sealed class NamedBackends : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NamedBackends(WebApplication app, int a, int b)
    {
        _app = app;
        PortA = a;
        PortB = b;
    }

    public int PortA { get; }

    public int PortB { get; }

    public static async Task<NamedBackends> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0);
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var ports = new int[2];
        app.Run(context => context.Response.WriteAsync(context.Connection.LocalPort == ports[0] ? "A" : "B", context.RequestAborted));
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a).Port).ToArray();
        ports[0] = bound[0];
        ports[1] = bound[1];
        return new NamedBackends(app, bound[0], bound[1]);
    }

    public string Name(int port) => port == PortA ? "A" : "B";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
