using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Plexus.Proxy.Forwarding;
using Yarp.ReverseProxy.Forwarder;

namespace Plexus.Bench.Floor;

/// <summary>
/// One of four servers on the listeners bench/floor.sh loads, each a step up the stack Plexus is built on:
/// <c>kestrel</c> answers 100 bytes itself (what Kestrel alone costs per request); <c>client</c> forwards each request
/// with a bare SocketsHttpHandler (Kestrel + .NET's HTTP client, no YARP); <c>yarp</c> forwards with YARP's
/// IHttpForwarder and nothing else; <c>routes</c> is YARP's full proxy (endpoint routing, MapReverseProxy, a route per
/// host with Plexus' transforms: original Host, X-Forwarded-For/-Proto/-Host) and no Plexus code. Listeners: 18501 h1 → h1, 18502 h1 → h2c, 18503 h2c → h1, 18504 h2c → h2c;
/// upstreams http://127.0.0.1:18401 (HTTP/1.1) and :18402 (h2c).
/// </summary>
internal static class Program
{
    private static readonly byte[] Body = Enumerable.Repeat((byte)'x', 100).ToArray();

    public static async Task<int> Main(string[] args)
    {
        var mode = args.Length == 1 ? args[0] : "";
        if (mode is not ("kestrel" or "client" or "yarp" or "routes"))
        {
            await Console.Error.WriteLineAsync("usage: Plexus.Bench.Floor kestrel|client|yarp|routes");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var (port, clientProtocols) in Listeners)
            {
                kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = clientProtocols);
            }

            kestrel.Limits.Http2.MaxStreamsPerConnection = 256;
        });
        builder.Services.AddHttpForwarder();
        if (mode == "routes")
        {
            builder.Services.AddReverseProxy().AddPlexusTransforms().LoadFromMemory(YarpRoutes.Routes, YarpRoutes.Clusters);
        }

        var app = builder.Build();
        if (mode == "routes")
        {
            app.MapReverseProxy();
            await app.RunAsync();
            return 0;
        }

        var upstreams = new Upstreams();
        app.Run(mode switch
        {
            "kestrel" => AnswerAsync,
            "client" => context => ForwardWithClientAsync(context, upstreams),
            _ => context => ForwardWithYarpAsync(context, upstreams, app.Services.GetRequiredService<IHttpForwarder>()),
        });
        await app.RunAsync();
        return 0;
    }

    private static readonly (int Port, HttpProtocols Protocols)[] Listeners =
    [
        (18501, HttpProtocols.Http1), (18502, HttpProtocols.Http1), (18503, HttpProtocols.Http2), (18504, HttpProtocols.Http2),
    ];

    private static Task AnswerAsync(HttpContext context)
    {
        context.Response.ContentLength = Body.Length;
        return context.Response.Body.WriteAsync(Body).AsTask();
    }

    private static async Task ForwardWithClientAsync(HttpContext context, Upstreams upstreams)
    {
        var upstream = upstreams.For(context.Connection.LocalPort);
        using var request = new HttpRequestMessage(HttpMethod.Get, upstream.Prefix + context.Request.Path + context.Request.QueryString)
        {
            Version = upstream.Version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Host = context.Request.Host.Value;
        using var response = await upstream.Invoker.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        CopyHeaders(response.Content.Headers, context.Response.Headers);
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static void CopyHeaders(HttpContentHeaders from, IHeaderDictionary to)
    {
        if (from.ContentLength is { } length)
        {
            to.ContentLength = length;
        }

        if (from.ContentType is { } type)
        {
            to.ContentType = type.ToString();
        }
    }

    private static async Task ForwardWithYarpAsync(HttpContext context, Upstreams upstreams, IHttpForwarder forwarder)
    {
        var upstream = upstreams.For(context.Connection.LocalPort);
        await forwarder.SendAsync(context, upstream.Prefix, upstream.Invoker, upstream.Config);
    }

    /// <summary>One pooled client per upstream protocol, set up the way Plexus sets up its backend clients.</summary>
    private sealed class Upstreams
    {
        private readonly Upstream _h1 = new("http://127.0.0.1:18401", HttpVersion.Version11);
        private readonly Upstream _h2c = new("http://127.0.0.1:18402", HttpVersion.Version20);

        public Upstream For(int listenerPort) => listenerPort is 18502 or 18504 ? _h2c : _h1;
    }

    private sealed class Upstream
    {
        public Upstream(string prefix, Version version)
        {
            Prefix = prefix;
            Version = version;
            Invoker = new HttpMessageInvoker(new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            });
            Config = new ForwarderRequestConfig { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        }

        public string Prefix { get; }

        public Version Version { get; }

        public HttpMessageInvoker Invoker { get; }

        public ForwarderRequestConfig Config { get; }
    }
}
