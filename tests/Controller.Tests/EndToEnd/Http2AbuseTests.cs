using Plexus.Testing;
using Xunit.Abstractions;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// HTTP/2 abuse against the plain port of the whole application, with raw frames: rapid reset (CVE-2023-44487),
/// CONTINUATION floods and more concurrent streams than allowed. What reaches the backend is counted there.
/// </summary>
public sealed class Http2AbuseTests(Http2AbuseFixture fixture, ITestOutputHelper output) : IClassFixture<Http2AbuseFixture>
{
    private const string Authority = "127.0.0.1";

    [Fact]
    public async Task A_rapid_reset_storm_ends_the_connection_and_the_backend_sees_a_bounded_share()
    {
        const int Storm = 10_000;
        const string Gate = "storm";
        using var connectionEnds = new KestrelConnectionEnds(fixture.Plexus.Endpoints.Http.Port);
        await using var http2 = await OpenAsync();
        var ended = http2.ReadUntilConnectionEndsAsync();

        // HEADERS then RST_STREAM(CANCEL) for each stream, aimed at a backend endpoint that holds every request until
        // it is aborted: the work a reset leaves behind is as expensive as it can be.
        var headers = RawHttp2Connection.EncodeGet($"/slow/{Gate}", Authority);
        var sent = 0;
        try
        {
            for (var batch = 0; batch < Storm / 500 && !ended.IsCompleted; batch++)
            {
                var frames = new MemoryStream();
                for (var i = 0; i < 500; i++, sent++)
                {
                    var streamId = (2 * sent) + 1;
                    frames.Write(RawHttp2Frame.Encode(RawHttp2Frame.Headers, RawHttp2Frame.EndStream | RawHttp2Frame.EndHeaders, streamId, headers));
                    frames.Write(RawHttp2Frame.EncodeRstStream(streamId, RawHttp2ErrorCode.Cancel));
                }

                await http2.SendAsync(frames.ToArray());
            }
        }
        catch (IOException)
        {
            // The server closed the connection mid-storm.
        }

        var goAway = await ended;

        Assert.True(goAway is null or RawHttp2ErrorCode.EnhanceYourCalm, $"GOAWAY error code {goAway}");
        // Kestrel's two rapid-reset guards: too many tracked streams, or more streams queued for output than it tracks.
        await WaitForConnectionEndAsync(connectionEnds, "stream_reset_limit_exceeded", "output_queue_size_exceeded");
        var reachedBackend = fixture.Backend.RequestsFor($"/slow/{Gate}").Count;
        output.WriteLine($"sent {sent} HEADERS+RST_STREAM pairs; GOAWAY {goAway?.ToString() ?? "none"}; {reachedBackend} reached the backend");
        Assert.True(reachedBackend <= StormBound, $"{reachedBackend} of {sent} reset requests reached the backend");
        Assert.True((await fixture.Plexus.GetAsync("/after-storm", ClientProtocol.H2c)).IsOk, "the proxy still serves");
    }

    [Fact]
    public async Task A_continuation_flood_with_header_bytes_is_a_connection_error_and_reaches_no_backend()
    {
        const string Path = "/slow/continuation-bytes";
        using var connectionEnds = new KestrelConnectionEnds(fixture.Plexus.Endpoints.Http.Port);
        await using var http2 = await OpenAsync();
        var ended = http2.ReadUntilConnectionEndsAsync();

        await http2.SendFrameAsync(RawHttp2Frame.Headers, RawHttp2Frame.EndStream, streamId: 1, RawHttp2Connection.EncodeGet(Path, Authority));
        var field = RawHttp2Connection.EncodeHeaders([("x-flood", new string('a', 1000))]);
        try
        {
            // 1 MB of header fields in CONTINUATION frames that never end the header block.
            for (var i = 0; i < 1000 && !ended.IsCompleted; i++)
            {
                await http2.SendFrameAsync(RawHttp2Frame.Continuation, 0, 1, field);
            }
        }
        catch (IOException)
        {
        }

        var goAway = await ended;
        output.WriteLine($"GOAWAY {goAway?.ToString() ?? "none"}");

        Assert.True(goAway is null or > 0, $"GOAWAY error code {goAway}");
        await WaitForConnectionEndAsync(connectionEnds, "max_request_headers_total_size_exceeded");
        Assert.Empty(fixture.Backend.RequestsFor(Path));
    }

    [Fact]
    public async Task A_continuation_flood_of_empty_frames_ends_at_the_request_headers_timeout_and_reaches_no_backend()
    {
        const string Path = "/slow/continuation-empty";
        using var connectionEnds = new KestrelConnectionEnds(fixture.Plexus.Endpoints.Http.Port);
        await using var http2 = await OpenAsync();
        var ended = http2.ReadUntilConnectionEndsAsync();

        await http2.SendFrameAsync(RawHttp2Frame.Headers, RawHttp2Frame.EndStream, streamId: 1, RawHttp2Connection.EncodeGet(Path, Authority));
        var batch = Enumerable.Repeat(RawHttp2Frame.Encode(RawHttp2Frame.Continuation, 0, 1, []), 1000).SelectMany(f => f).ToArray();
        try
        {
            // Empty frames add no header bytes, so only the request headers timeout (1 s here) can end this; the
            // read above gives up after 20 s without a frame, which fails the test.
            while (!ended.IsCompleted)
            {
                await http2.SendAsync(batch);
                await Task.WhenAny(ended, Task.Delay(TimeSpan.FromMilliseconds(10)));
            }
        }
        catch (IOException)
        {
        }

        var goAway = await ended;
        output.WriteLine($"GOAWAY {goAway?.ToString() ?? "none"}");

        Assert.True(goAway is null or > 0, $"GOAWAY error code {goAway}");
        await WaitForConnectionEndAsync(connectionEnds, "request_headers_timeout");
        Assert.Empty(fixture.Backend.RequestsFor(Path));
    }

    [Fact]
    public async Task Streams_over_the_concurrent_limit_are_refused_and_the_others_are_served()
    {
        const string Gate = "held";
        await using var http2 = await OpenAsync();
        var settings = await http2.ReadFrameAsync();
        Assert.Equal(RawHttp2Frame.Settings, settings.Type);
        Assert.Equal(Http2AbuseFixture.MaxConcurrentStreams, settings.Setting(id: 0x3)); // SETTINGS_MAX_CONCURRENT_STREAMS

        var headers = RawHttp2Connection.EncodeGet($"/slow/{Gate}", Authority);
        var allowed = Enumerable.Range(0, Http2AbuseFixture.MaxConcurrentStreams).Select(i => (2 * i) + 1).ToArray();
        foreach (var id in allowed)
        {
            await http2.SendFrameAsync(RawHttp2Frame.Headers, RawHttp2Frame.EndStream | RawHttp2Frame.EndHeaders, id, headers);
        }

        await Eventually.UntilAsync(() => fixture.Backend.Gates.StartedCount(Gate) == allowed.Length, because: "the allowed streams reach the backend");
        var extra = allowed[^1] + 2;
        await http2.SendFrameAsync(RawHttp2Frame.Headers, RawHttp2Frame.EndStream | RawHttp2Frame.EndHeaders, extra, headers);

        var reset = await NextFrameAsync(http2, f => f.Type == RawHttp2Frame.RstStream);
        Assert.Equal(extra, reset.StreamId);
        Assert.Equal(RawHttp2ErrorCode.RefusedStream, reset.ErrorCode);

        fixture.Backend.Gates.Release(Gate);
        var finished = new HashSet<int>();
        while (finished.Count < allowed.Length)
        {
            var end = await NextFrameAsync(http2, f => f.Type is RawHttp2Frame.Data or RawHttp2Frame.Headers && (f.Flags & RawHttp2Frame.EndStream) != 0);
            finished.Add(end.StreamId);
        }

        Assert.Equal(allowed, finished.Order());
        Assert.Equal(allowed.Length, fixture.Backend.RequestsFor($"/slow/{Gate}").Count);
    }

    // Kestrel dispatches a stream only while the connection tracks at most max(2 × streams limit, 100) streams whose
    // work is unfinished, and closes the connection after 100 refusals beyond that, or as soon as more streams wait
    // for output than it tracks; streams that finish in between make room for a few more. Without these guards every
    // one of the 10,000 would be dispatched.
    private const int StormBound = 1_000;

    // Kestrel records why it ended a connection once the connection is disposed, shortly after the client saw it end.
    private static async Task WaitForConnectionEndAsync(KestrelConnectionEnds ends, params string[] reasons)
    {
        // Kestrel records the end once the connection's last stream is torn down: after a storm of held requests that
        // takes a while on a loaded machine (once more than 20 s), hence the longer bound.
        await Eventually.UntilAsync(() => ends.Errors.Count > 0, TimeSpan.FromSeconds(90), because: $"Kestrel records why it ended the connection ({string.Join(" or ", reasons)})");
        Assert.Contains(Assert.Single(ends.Errors), reasons);
    }

    // The preface and SETTINGS, and nothing read: each test reads (or ignores) the server's SETTINGS itself.
    private Task<RawHttp2Connection> OpenAsync() => RawHttp2Connection.OpenAsync(fixture.Plexus.Endpoints.Http.Port);

    private static async Task<RawHttp2Frame> NextFrameAsync(RawHttp2Connection http2, Func<RawHttp2Frame, bool> match)
    {
        while (true)
        {
            var frame = await http2.ReadFrameAsync();
            Assert.NotEqual(RawHttp2Frame.GoAway, frame.Type);
            if (match(frame))
            {
                return frame;
            }
        }
    }
}
