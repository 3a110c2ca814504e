using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Listeners;
using Plexus.Testing;

namespace Plexus.Proxy.Tests.Listeners;

/// <summary>
/// The client limits of the plain port, driven with raw sockets: header size and count and the request line at their
/// production defaults, the request headers timeout (slowloris) and the keep-alive timeout set short.
/// </summary>
public sealed class ClientLimitsTests(CertificateFixture certificates) : IClassFixture<CertificateFixture>, IAsyncLifetime
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(1);
    private ListenerTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ListenerTestServer.StartAsync(new CertificateTable(certificates.Default), options =>
        {
            options.RequestHeadersTimeout = ShortTimeout;
            options.KeepAliveTimeout = ShortTimeout;
        });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Every_limit_reaches_kestrel()
    {
        var defaults = new PlexusListenerOptions();
        var limits = _server.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(defaults.MaxRequestHeadersTotalSize, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(defaults.MaxRequestHeaderCount, limits.MaxRequestHeaderCount);
        Assert.Equal(defaults.MaxRequestLineSize, limits.MaxRequestLineSize);
        Assert.Equal(defaults.Http2MaxStreamsPerConnection, limits.Http2.MaxStreamsPerConnection);
        Assert.Equal(defaults.Http2MaxRequestHeaderFieldSize, limits.Http2.MaxRequestHeaderFieldSize);
        Assert.Equal(ShortTimeout, limits.RequestHeadersTimeout);
        Assert.Equal(ShortTimeout, limits.KeepAliveTimeout);
    }

    public static TheoryData<int, string> HeaderSizes => new()
    {
        { 15 * 1024, "HTTP/1.1 200 " },
        { 17 * 1024, "HTTP/1.1 431 " },
    };

    [Theory]
    [MemberData(nameof(HeaderSizes))]
    public async Task Headers_over_16_KiB_together_get_431(int valueBytes, string expectedStatusLine)
    {
        var response = await SendAsync($"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {new string('a', valueBytes)}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith(expectedStatusLine, response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(100, "HTTP/1.1 200 ")]
    [InlineData(101, "HTTP/1.1 431 ")]
    public async Task More_than_100_header_fields_get_431(int fields, string expectedStatusLine)
    {
        var request = new StringBuilder("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (var i = 2; i < fields; i++)
        {
            request.Append("X-Field-").Append(i).Append(": v\r\n");
        }

        var response = await SendAsync(request.Append("\r\n").ToString());

        Assert.StartsWith(expectedStatusLine, response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8 * 1024 - 100, "HTTP/1.1 200 ")]
    [InlineData(8 * 1024 + 1, "HTTP/1.1 414 ")]
    public async Task A_request_line_over_8_KiB_gets_414(int pathBytes, string expectedStatusLine)
    {
        var response = await SendAsync($"GET /{new string('p', pathBytes - 1)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.StartsWith(expectedStatusLine, response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_dribbled_slower_than_the_request_headers_timeout_close_the_connection()
    {
        using var connectionEnds = new KestrelConnectionEnds(_server.HttpPort);
        using var socket = await RawSocket.ConnectAsync(_server.HttpPort);
        await socket.SendAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"u8.ToArray());
        var response = RawSocket.ReadToEndAsync(socket, untilReset: true);

        // The attack: one more header line every 50 ms, never the end of the headers. Each line is well within every
        // size limit (400 lines would be over the count limit only after the 20 s that the read above waits at most).
        for (var line = 0; line < 400 && !response.IsCompleted; line++)
        {
            try
            {
                await socket.SendAsync(Encoding.ASCII.GetBytes($"X-Drip-{line % 50}: a\r\n"));
            }
            catch (SocketException)
            {
                break; // the server closed it
            }

            await Task.WhenAny(response, Task.Delay(TimeSpan.FromMilliseconds(50)));
        }

        var received = await response;
        Assert.True(received.Length == 0 || received.StartsWith("HTTP/1.1 408 ", StringComparison.Ordinal), received);
        await Eventually.UntilAsync(() => connectionEnds.Errors.Count > 0, because: "Kestrel records why it ended the connection");
        Assert.Equal(["request_headers_timeout"], connectionEnds.Errors);
    }

    [Fact]
    public async Task An_idle_http11_connection_is_closed_after_the_keepalive_timeout()
    {
        using var socket = await RawSocket.ConnectAsync(_server.HttpPort);
        await socket.SendAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());

        // Returns only when the server closes the connection; the request asked to keep it alive.
        var received = await RawSocket.ReadToEndAsync(socket);

        Assert.StartsWith("HTTP/1.1 200 ", received, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 http False ", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idle_h2c_connection_is_closed_after_the_keepalive_timeout()
    {
        await using var http2 = await RawHttp2Connection.OpenAsync(_server.HttpPort);

        var frames = new List<byte>();
        var goAway = await http2.ReadUntilConnectionEndsAsync(frame => frames.Add(frame.Type));

        Assert.Contains(RawHttp2Frame.Settings, frames);
        Assert.True(goAway is null or 0, $"GOAWAY error code {goAway}");
    }

    private async Task<string> SendAsync(string request)
    {
        using var socket = await RawSocket.ConnectAsync(_server.HttpPort);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        return await RawSocket.ReadToEndAsync(socket, untilReset: true);
    }
}
