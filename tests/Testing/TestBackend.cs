using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Plexus.Testing;

/// <summary>Options of a <see cref="TestBackend"/>.</summary>
public sealed class TestBackendOptions
{
    /// <summary>Server certificate for TLS kinds; a self-signed "localhost" one when null.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; Kestrel's default when null.</summary>
    public int? MaxStreamsPerConnection { get; init; }
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (ephemeral port) that records every request it sees. Endpoints:
/// <list type="bullet">
/// <item><c>/download/{bytes}[?hold=gate]</c>: streams that many bytes; with hold, writes 64 KiB, flushes and waits for the gate.</item>
/// <item><c>/upload</c> (POST/PUT): reads the body as it arrives, counting bytes (see <see cref="SeenRequest.BodyLength"/>), answers the count.</item>
/// <item><c>/slow/{gate}</c>: waits for the gate (or records the abort), then answers "released".</item>
/// <item><c>/ws</c>: WebSocket echo.</item>
/// <item><c>/status/{code}/{anything}</c>, any method (a WebSocket upgrade included): answers that status, no body.</item>
/// <item>gRPC <c>plexus.testing.Echo</c> (Say, Stream).</item>
/// <item>anything else: reads (and counts) the body, then 200 with "{protocol} {method} {path}" and <c>X-Backend-Protocol</c>.</item>
/// </list>
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    /// <summary>How much <c>/download?hold=</c> writes before it waits.</summary>
    public const int HoldChunkBytes = 64 * 1024;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SeenRequest> _requests;

    private TestBackend(TestBackendKind kind, WebApplication app, ConcurrentQueue<SeenRequest> requests, TestGates gates, X509Certificate2? certificate, int port)
    {
        Kind = kind;
        _app = app;
        _requests = requests;
        Gates = gates;
        Certificate = certificate;
        Port = port;
    }

    public TestBackendKind Kind { get; }

    /// <summary>Always 127.0.0.1.</summary>
    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    /// <summary>The server certificate of a TLS backend.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>http(s)://127.0.0.1:port/</summary>
    public Uri BaseAddress => new($"{(Kind.UsesTls() ? "https" : "http")}://{Host}:{Port}/");

    public TestGates Gates { get; }

    /// <summary>Every request seen so far, in arrival order.</summary>
    public IReadOnlyList<SeenRequest> Requests => [.. _requests];

    /// <summary>The requests seen for <paramref name="path"/>.</summary>
    public IReadOnlyList<SeenRequest> RequestsFor(string path) => [.. _requests.Where(r => r.Path == path)];

    /// <summary>
    /// A client that talks to this backend directly with its natural protocol: HTTP/1.1, h2c prior knowledge, or TLS
    /// (any certificate accepted) with ALPN per kind. The caller disposes it.
    /// </summary>
    public HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        var http2 = Kind is TestBackendKind.H2c or TestBackendKind.TlsH2 or TestBackendKind.TlsHttp1AndHttp2;
        return new HttpClient(handler)
        {
            BaseAddress = BaseAddress,
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = Kind == TestBackendKind.TlsHttp1AndHttp2 ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact,
        };
    }

    public static async Task<TestBackend> StartAsync(TestBackendKind kind, TestBackendOptions? options = null, CancellationToken ct = default)
    {
        options ??= new TestBackendOptions();
        var certificate = kind.UsesTls() ? options.Certificate ?? TestCertificates.CreateSelfSigned("localhost") : null;
        var requests = new ConcurrentQueue<SeenRequest>();
        var gates = new TestGates();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.MaxStreamsPerConnection is { } maxStreams)
            {
                kestrel.Limits.Http2.MaxStreamsPerConnection = maxStreams;
            }

            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = kind switch
                {
                    TestBackendKind.Http1 or TestBackendKind.TlsHttp1 => HttpProtocols.Http1,
                    TestBackendKind.H2c or TestBackendKind.TlsH2 => HttpProtocols.Http2,
                    _ => HttpProtocols.Http1AndHttp2,
                };
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        builder.Services.AddGrpc();

        var app = builder.Build();
        app.Use((context, next) =>
        {
            var seen = new SeenRequest
            {
                Protocol = context.Request.Protocol,
                Method = context.Request.Method,
                Path = context.Request.Path.Value ?? string.Empty,
                Scheme = context.Request.Scheme,
                Host = context.Request.Headers.Host.ToString(),
                XForwardedFor = Header(context, "X-Forwarded-For"),
                XForwardedProto = Header(context, "X-Forwarded-Proto"),
                XForwardedHost = Header(context, "X-Forwarded-Host"),
                TraceParent = Header(context, "traceparent"),
                Headers = AllHeaders(context),
                ConnectionId = context.Connection.Id,
                RemotePort = context.Connection.RemotePort,
            };
            context.Items[typeof(SeenRequest)] = seen;
            requests.Enqueue(seen);
            return next(context);
        });
        app.UseWebSockets();
        app.MapGrpcService<EchoService>();
        app.MapGet("/download/{bytes:long}", (HttpContext context, long bytes, string? hold) => DownloadAsync(context, bytes, hold, gates));
        app.MapMethods("/upload", ["POST", "PUT"], (Delegate)UploadAsync);
        app.MapGet("/slow/{gate}", async (HttpContext context, string gate) =>
            await gates.PassAsync(gate, context.RequestAborted) ? Results.Text("released") : Results.Empty);
        app.Map("/ws", WebSocketEchoAsync);
        app.Map("/status/{code:int}/{**rest}", (int code) => Results.StatusCode(code));
        app.MapFallback(async (HttpContext context) =>
        {
            await CountBodyAsync(context);
            context.Response.Headers["X-Backend-Protocol"] = context.Request.Protocol;
            return Results.Text($"{context.Request.Protocol} {context.Request.Method} {context.Request.Path}");
        });

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var port = new Uri(address).Port;
        return new TestBackend(kind, app, requests, gates, certificate, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static string? Header(HttpContext context, string name) =>
        context.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    private static Dictionary<string, string[]> AllHeaders(HttpContext context)
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (!name.StartsWith(':'))
            {
                headers[name] = [.. values.Select(v => v ?? string.Empty)];
            }
        }

        return headers;
    }

    private static async Task CountBodyAsync(HttpContext context)
    {
        var seen = (SeenRequest)context.Items[typeof(SeenRequest)]!;
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            seen.AddBody(read);
        }
    }

    private static async Task DownloadAsync(HttpContext context, long bytes, string? hold, TestGates gates)
    {
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = bytes;
        var buffer = new byte[HoldChunkBytes];
        Array.Fill(buffer, (byte)'x');
        long written = 0;
        if (hold is not null)
        {
            var first = (int)Math.Min(bytes, buffer.Length);
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, first), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            written = first;
            if (!await gates.PassAsync(hold, context.RequestAborted))
            {
                return;
            }
        }

        while (written < bytes)
        {
            var count = (int)Math.Min(bytes - written, buffer.Length);
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, count), context.RequestAborted);
            written += count;
        }
    }

    private static async Task<IResult> UploadAsync(HttpContext context)
    {
        var seen = (SeenRequest)context.Items[typeof(SeenRequest)]!;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            seen.AddBody(read);
        }

        return Results.Text(seen.BodyLength.ToString(CultureInfo.InvariantCulture));
    }

    private static async Task WebSocketEchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", context.RequestAborted);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, context.RequestAborted);
        }
    }
}
