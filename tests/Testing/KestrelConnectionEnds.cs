using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Plexus.Testing;

/// <summary>
/// Why Kestrel ended connections on one server port: the <c>error.type</c> of its <c>kestrel.connection.duration</c>
/// metric (e.g. <c>stream_reset_limit_exceeded</c>), recorded from when this listener is created until it is disposed.
/// </summary>
public sealed class KestrelConnectionEnds : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly int _port;

    public KestrelConnectionEnds(int port)
    {
        _port = port;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Microsoft.AspNetCore.Server.Kestrel" && instrument.Name == "kestrel.connection.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => Record(tags));
        _listener.Start();
    }

    /// <summary>The error types of the connections that ended with one, in the order they ended.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    public void Dispose() => _listener.Dispose();

    private void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        int? port = null;
        string? error = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "server.port":
                    port = Convert.ToInt32(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "error.type":
                    error = tag.Value?.ToString();
                    break;
            }
        }

        if (port == _port && error is not null)
        {
            _errors.Enqueue(error);
        }
    }
}
