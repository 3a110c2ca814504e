using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexus.Proxy.Hosting;
using Plexus.Proxy.Listeners;
using Plexus.Proxy.Model;
using Plexus.Testing;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>How a test client reaches the proxy.</summary>
public enum ClientKind
{
    /// <summary>HTTP/1.1 on the plain HTTP/1.1 port.</summary>
    Http1,

    /// <summary>h2c prior knowledge on the plain HTTP/2-only port.</summary>
    H2c,

    /// <summary>HTTP/2 over TLS (ALPN h2) on the TLS port.</summary>
    H2Tls,
}

/// <summary>
/// The proxy under test in a real WebApplication: a plain HTTP/1.1 port, a plain HTTP/2-only port (h2c prior knowledge)
/// and a TLS port with Http1AndHttp2, all on 127.0.0.1 ephemeral ports.
/// </summary>
public sealed class ProxyHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<HttpMessageInvoker> _clients = [];
    private long _version;

    private ProxyHost(WebApplication app, X509Certificate2 certificate, int http1Port, int h2cPort, int tlsPort)
    {
        _app = app;
        Certificate = certificate;
        Http1Port = http1Port;
        H2cPort = h2cPort;
        TlsPort = tlsPort;
        Applier = app.Services.GetRequiredService<ISnapshotApplier>();
    }

    public int Http1Port { get; }

    public int H2cPort { get; }

    public int TlsPort { get; }

    public X509Certificate2 Certificate { get; }

    public ISnapshotApplier Applier { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="configure">Proxy options.</param>
    /// <param name="configureApp">Runs before the proxy is mapped, e.g. to add a middleware that observes requests.</param>
    public static async Task<ProxyHost> StartAsync(Action<PlexusProxyOptions>? configure = null, Action<WebApplication>? configureApp = null)
    {
        var certificate = TestCertificates.CreateSelfSigned("localhost");
        var ports = new int[3];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, l =>
            {
                l.Protocols = HttpProtocols.Http1AndHttp2;
                l.UseHttps(certificate);
            });
        });
        builder.Services.AddPlexusProxy(configure);

        var app = builder.Build();
        configureApp?.Invoke(app);
        app.MapPlexusProxy();
        await app.StartAsync();

        // Kestrel reports the bound addresses in the order the endpoints were declared.
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToArray();
        for (var i = 0; i < ports.Length; i++)
        {
            ports[i] = new Uri(addresses[i]).Port;
        }

        return new ProxyHost(app, certificate, ports[0], ports[1], ports[2]);
    }

    /// <summary>
    /// The proxy behind the production listeners, wired as the controller wires them: the plain port (HTTP/1.1 and
    /// h2c prior knowledge on one socket: <see cref="Http1Port"/> = <see cref="H2cPort"/>), the TLS port, and
    /// <c>UseCleartextHttp2Scheme</c> before the proxy.
    /// </summary>
    public static async Task<ProxyHost> StartWithPlexusListenersAsync(Action<PlexusProxyOptions>? configure = null)
    {
        var certificate = TestCertificates.CreateSelfSigned("localhost");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        PlexusListeners? listeners = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            listeners = kestrel.ListenPlexusTraffic(
                new PlexusListenerOptions { BindAddress = IPAddress.Loopback, HttpPort = 0, HttpsPort = 0 },
                new CertificateTable(certificate));
        });
        builder.Services.AddPlexusProxy(configure);

        var app = builder.Build();
        app.UseCleartextHttp2Scheme();
        app.UseRouting();
        app.MapPlexusProxy();
        await app.StartAsync();
        var plain = listeners!.HttpEndPoint.Port;
        return new ProxyHost(app, certificate, plain, plain, listeners.HttpsEndPoint.Port);
    }

    /// <summary>A client for the given way in; disposed with the host.</summary>
    public HttpClient CreateClient(ClientKind kind, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var client = new HttpClient(handler)
        {
            BaseAddress = BaseAddress(kind),
            DefaultRequestVersion = kind == ClientKind.Http1 ? HttpVersion.Version11 : HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>A request with the HTTP version of <paramref name="kind"/> (SendAsync does not apply the client's default version).</summary>
    public static HttpRequestMessage NewRequest(ClientKind kind, HttpMethod method, string path) => new(method, path)
    {
        Version = kind == ClientKind.Http1 ? HttpVersion.Version11 : HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    public Uri BaseAddress(ClientKind kind) => kind switch
    {
        ClientKind.Http1 => new Uri($"http://127.0.0.1:{Http1Port}/"),
        ClientKind.H2c => new Uri($"http://127.0.0.1:{H2cPort}/"),
        _ => new Uri($"https://127.0.0.1:{TlsPort}/"),
    };

    /// <summary>Applies a snapshot made of the given routes and clusters; fails the test when it is rejected.</summary>
    public async Task ApplyAsync(IEnumerable<ProxyRoute> routes, IEnumerable<ProxyCluster> clusters, string? defaultClusterId = null)
    {
        var result = await Applier.ApplyAsync(Snapshot(routes, clusters, defaultClusterId), CancellationToken.None);
        Assert.True(result.Applied, string.Join("; ", result.Errors));
    }

    /// <summary>A snapshot with the next version number.</summary>
    public ProxySnapshot Snapshot(IEnumerable<ProxyRoute> routes, IEnumerable<ProxyCluster> clusters, string? defaultClusterId = null) =>
        new(Interlocked.Increment(ref _version), [.. routes], [.. clusters], [], [])
        {
            DefaultClusterId = defaultClusterId,
        };

    public async ValueTask DisposeAsync()
    {
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }
}

/// <summary>Builders for snapshot parts pointing at test servers.</summary>
public static class TestSnapshots
{
    public static ProxyCluster Cluster(string id, BackendProtocol protocol, params (string Host, int Port)[] endpoints) =>
        new(id, protocol, [.. endpoints.Select(e => new BackendEndpoint(e.Host, e.Port))]);

    public static ProxyCluster Cluster(string id, BackendProtocol protocol, TestBackend backend) =>
        Cluster(id, protocol, (backend.Host, backend.Port));

    public static ProxyRoute Route(string id, string clusterId, string path = "/", string? host = null, PathMatchKind match = PathMatchKind.Prefix) =>
        new(id, host, path, match, clusterId);

    public static ImmutableArray<ProxyRoute> CatchAll(string clusterId) => [Route("all", clusterId)];
}
