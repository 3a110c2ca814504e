using System.Diagnostics;

namespace Plexus.Proxy.Telemetry;

/// <summary>Per-request timestamps the forwarder's transforms leave for <see cref="PlexusTelemetryMiddleware"/>.</summary>
internal sealed class ProxyRequestTelemetry
{
    /// <summary>When the request was handed to the backend client; 0 when it never was.</summary>
    public long SendingTimestamp { get; private set; }

    /// <summary>When the backend's response headers arrived; 0 when they never did.</summary>
    public long HeadersTimestamp { get; private set; }

    /// <summary>The series counting this request as in flight toward the backend, to release when it ends.</summary>
    public RouteMetrics? InFlight { get; private set; }

    public bool WasForwarded => SendingTimestamp != 0;

    public double? UpstreamSeconds => SendingTimestamp != 0 && HeadersTimestamp != 0
        ? Stopwatch.GetElapsedTime(SendingTimestamp, HeadersTimestamp).TotalSeconds
        : null;

    public void Sending(RouteMetrics? inFlight)
    {
        SendingTimestamp = Stopwatch.GetTimestamp();
        if (inFlight is not null)
        {
            InFlight = inFlight;
            inFlight.InFlight.Inc();
        }
    }

    public void HeadersReceived() => HeadersTimestamp = Stopwatch.GetTimestamp();

    /// <summary>Ends the in-flight count; safe to call once the request is over, whatever happened.</summary>
    public void Finished()
    {
        InFlight?.InFlight.Dec();
        InFlight = null;
    }
}
