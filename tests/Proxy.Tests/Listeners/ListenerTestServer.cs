using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexus.Proxy.Listeners;

namespace Plexus.Proxy.Tests.Listeners;

/// <summary>A real Kestrel with the Plexus listeners on 127.0.0.1 ephemeral ports and a handler that echoes what it saw.</summary>
internal sealed class ListenerTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly PlexusListeners _listeners;

    private ListenerTestServer(WebApplication app, PlexusListeners listeners)
    {
        _app = app;
        _listeners = listeners;
    }

    public int HttpPort => _listeners.HttpEndPoint.Port;

    public int HttpsPort => _listeners.HttpsEndPoint.Port;

    public IServiceProvider Services => _app.Services;

    /// <summary>Body: "{Protocol} {Scheme} {IsHttps} {ConnectionId}".</summary>
    public static string Echo(HttpContext context) =>
        $"{context.Request.Protocol} {context.Request.Scheme} {context.Request.IsHttps} {context.Connection.Id}";

    public static async Task<ListenerTestServer> StartAsync(CertificateTable certificates, Action<PlexusListenerOptions>? configure = null, TimeSpan? shutdownTimeout = null)
    {
        var options = new PlexusListenerOptions { BindAddress = IPAddress.Loopback, HttpPort = 0, HttpsPort = 0 };
        configure?.Invoke(options);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (shutdownTimeout is { } timeout)
        {
            builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = timeout);
        }

        PlexusListeners? listeners = null;
        builder.WebHost.ConfigureKestrel(kestrel => listeners = kestrel.ListenPlexusTraffic(options, certificates));

        var app = builder.Build();
        app.UseCleartextHttp2Scheme();
        app.Run(context => context.Response.WriteAsync(Echo(context)));
        await app.StartAsync();
        return new ListenerTestServer(app, listeners!);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
