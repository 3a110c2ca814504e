using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Telemetry;
using Plexus.Testing;
using Prometheus;

namespace Plexus.Proxy.Tests.Telemetry;

public sealed class AccessLogWriterTests : IDisposable
{
    private static readonly AccessLogEntry Entry = new(
        new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero),
        "127.0.0.1",
        "GET",
        "shop.test",
        "/cart \"quoted\"",
        "HTTP/2",
        "http",
        200,
        1.23456,
        "http://127.0.0.1:8080/",
        "h2c",
        "store/shop/0",
        "store/web:80",
        null,
        0.5,
        null);

    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Lines _output = new();

    public void Dispose() => _output.Dispose();

    [Fact]
    public void An_entry_is_one_json_object_on_one_line_without_absent_fields()
    {
        var writer = Create(capacity: 4, enabled: true);

        var line = writer.Format(Entry);

        Assert.DoesNotContain('\n', line);
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal("2026-11-25T12:00:00+00:00", json.GetProperty("time").GetString());
        Assert.Equal("127.0.0.1", json.GetProperty("client").GetString());
        Assert.Equal("/cart \"quoted\"", json.GetProperty("path").GetString());
        Assert.Equal("HTTP/2", json.GetProperty("protocol").GetString());
        Assert.Equal("http", json.GetProperty("scheme").GetString());
        Assert.Equal(200, json.GetProperty("status").GetInt32());
        Assert.Equal(1.235, json.GetProperty("duration_ms").GetDouble());
        Assert.Equal("h2c", json.GetProperty("upstream_protocol").GetString());
        Assert.Equal("store/web:80", json.GetProperty("cluster").GetString());
        Assert.False(json.TryGetProperty("error", out _));
        Assert.False(json.TryGetProperty("trace_id", out _));
    }

    [Fact]
    public void A_full_queue_drops_and_counts_instead_of_waiting()
    {
        // Not started: nothing drains, so the queue stays full.
        var writer = Create(capacity: 2, enabled: true);

        Assert.True(writer.TryWrite(Entry));
        Assert.True(writer.TryWrite(Entry));
        Assert.False(writer.TryWrite(Entry));
        Assert.False(writer.TryWrite(Entry));

        Assert.Equal(2, Dropped());
    }

    [Fact]
    public async Task Started_it_writes_every_queued_line_and_flushes_what_is_left_on_stop()
    {
        var writer = Create(capacity: 16, enabled: true);
        await writer.StartAsync(CancellationToken.None);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(writer.TryWrite(Entry with { Status = 200 + i }));
        }

        await Eventually.UntilAsync(() => _output.All.Count == 5, because: "five lines written");
        Assert.True(writer.TryWrite(Entry with { Status = 299 }));
        await writer.StopAsync(CancellationToken.None);

        Assert.Equal([200, 201, 202, 203, 204, 299], _output.All.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("status").GetInt32()));
        Assert.True(_output.Flushes > 0);
        Assert.Equal(0, Dropped());
    }

    [Fact]
    public async Task When_off_it_starts_no_writer()
    {
        var writer = Create(capacity: 16, enabled: false);
        await writer.StartAsync(CancellationToken.None);

        await writer.StopAsync(CancellationToken.None);

        Assert.Empty(_output.All);
    }

    private AccessLogWriter Create(int capacity, bool enabled) => new(
        Options.Create(new PlexusTelemetryOptions { AccessLog = enabled, AccessLogCapacity = capacity }),
        new AccessLogOutput(_output),
        Metrics.WithCustomRegistry(_registry),
        NullLogger<AccessLogWriter>.Instance);

    private double Dropped()
    {
        using var stream = new MemoryStream();
        _registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        var line = Encoding.UTF8.GetString(stream.ToArray()).Split('\n').Single(l => l.StartsWith("plexus_access_log_dropped_total ", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private sealed class Lines : TextWriter
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private int _flushes;

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> All => [.. _lines];

        public int Flushes => Volatile.Read(ref _flushes);

        public override void WriteLine(string? value) => _lines.Enqueue(value ?? string.Empty);

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override Task FlushAsync()
        {
            Interlocked.Increment(ref _flushes);
            return Task.CompletedTask;
        }
    }
}
