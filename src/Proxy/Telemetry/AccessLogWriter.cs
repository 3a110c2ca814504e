using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Plexus.Proxy.Telemetry;

/// <summary>
/// Writes access log entries as JSON lines from a background loop. Requests only enqueue: when the bounded queue is
/// full (stdout slower than the traffic) the entry is dropped and counted in <c>plexus_access_log_dropped_total</c>.
/// </summary>
public sealed partial class AccessLogWriter : IHostedService
{
    private readonly Channel<AccessLogEntry> _queue;
    private readonly TextWriter _output;
    private readonly Counter _dropped;
    private readonly ILogger<AccessLogWriter> _logger;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly bool _enabled;
    private Task? _drain;

    public AccessLogWriter(IOptions<PlexusTelemetryOptions> options, AccessLogOutput output, IMetricFactory metrics, ILogger<AccessLogWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(metrics);
        _queue = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(Math.Max(1, options.Value.AccessLogCapacity))
        {
            // Wait mode makes TryWrite fail when full, which is how a drop is noticed and counted; nobody ever waits.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _enabled = options.Value.AccessLog;
        _output = output.Writer;
        _dropped = metrics.CreateCounter("plexus_access_log_dropped_total", "Access log lines dropped because the output could not keep up.");
        _logger = logger;
    }

    /// <summary>Queues an entry; never blocks. False when it was dropped.</summary>
    public bool TryWrite(AccessLogEntry entry)
    {
        if (_queue.Writer.TryWrite(entry))
        {
            return true;
        }

        _dropped.Inc();
        return false;
    }

    /// <summary>Starts the writing loop when the access log is on.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return Task.CompletedTask;
        }

        _drain = Task.Run(DrainAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_drain is not null)
        {
            await _drain.WaitAsync(cancellationToken);
        }
    }

    private async Task DrainAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var entry))
                {
                    await _output.WriteLineAsync(Format(entry));
                }

                await _output.FlushAsync();
            }
        }
        catch (IOException exception)
        {
            // Standard output is gone; the queue fills and further lines are counted as dropped.
            LogOutputFailed(exception);
        }
        catch (ObjectDisposedException exception)
        {
            LogOutputFailed(exception);
        }
    }

    /// <summary>One entry as a JSON object on one line; absent values are left out.</summary>
    internal string Format(AccessLogEntry entry)
    {
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", entry.Time);
            WriteIfSet(json, "client", entry.Client);
            json.WriteString("method", entry.Method);
            WriteIfSet(json, "host", entry.Host);
            WriteIfSet(json, "path", entry.Path);
            json.WriteString("protocol", entry.Protocol);
            json.WriteString("scheme", entry.Scheme);
            json.WriteNumber("status", entry.Status);
            json.WriteNumber("duration_ms", Math.Round(entry.DurationMs, 3));
            WriteIfSet(json, "upstream_address", entry.UpstreamAddress);
            WriteIfSet(json, "upstream_protocol", entry.UpstreamProtocol);
            if (entry.UpstreamMs is { } upstreamMs)
            {
                json.WriteNumber("upstream_ms", Math.Round(upstreamMs, 3));
            }

            WriteIfSet(json, "route", entry.Route);
            WriteIfSet(json, "cluster", entry.Cluster);
            WriteIfSet(json, "error", entry.Error);
            WriteIfSet(json, "trace_id", entry.TraceId);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The access log output failed; further access log lines are dropped")]
    private partial void LogOutputFailed(Exception exception);
}
