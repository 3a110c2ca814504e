using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Plexus.Proxy.Telemetry;

/// <summary>
/// Bridges SocketsHttpHandler's <c>http.client.open_connections</c> (Meter "System.Net.Http") into
/// <c>plexus_upstream_open_connections{server_address,server_port,protocol_version,state}</c>. Only that instrument is
/// enabled, so the handler's per-request instruments stay off. The Meter carries no cluster, so connections are counted
/// as the handler reports them: <c>server.address</c> is the request's Host header when one is set (YARP forwards the
/// client's, so it reads as the Ingress host) and <c>server.port</c> the endpoint port. It sees every outgoing
/// connection of the process (the Kubernetes API server's too).
/// </summary>
internal sealed class UpstreamConnectionMetrics : IHostedService, IDisposable
{
    private const string MeterName = "System.Net.Http";
    private const string InstrumentName = "http.client.open_connections";

    private readonly bool _enabled;
    private readonly Gauge _open;
    private readonly ConcurrentDictionary<ConnectionKey, Gauge.Child> _series = new();
    private MeterListener? _listener;

    public UpstreamConnectionMetrics(IMetricFactory metrics, IOptions<PlexusTelemetryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _enabled = options.Value.RequestMetrics;
        _open = metrics.CreateGauge(
            "plexus_upstream_open_connections",
            "Open outgoing HTTP connections by server address (the Host they were opened for), port, HTTP version (1.1, 2) and state (active, idle).",
            ["server_address", "server_port", "protocol_version", "state"]);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_enabled)
        {
            return Task.CompletedTask;
        }

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MeterName && instrument.Name == InstrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Dispose();
        _listener = null;
        return Task.CompletedTask;
    }

    public void Dispose() => _listener?.Dispose();

    private void OnMeasurement(Instrument instrument, long delta, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? address = null;
        string? version = null;
        string? connectionState = null;
        var port = 0;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "server.address": address = tag.Value as string; break;
                case "server.port": port = tag.Value is int p ? p : 0; break;
                case "network.protocol.version": version = tag.Value as string; break;
                case "http.connection.state": connectionState = tag.Value as string; break;
                default: break;
            }
        }

        var key = new ConnectionKey(address ?? string.Empty, port, version ?? string.Empty, connectionState ?? string.Empty);
        if (!_series.TryGetValue(key, out var series))
        {
            series = _series.GetOrAdd(key, k => _open.WithLabels(k.Address, k.Port.ToString(CultureInfo.InvariantCulture), k.Version, k.State));
        }

        series.Inc(delta);
    }

    private readonly record struct ConnectionKey(string Address, int Port, string Version, string State);
}
