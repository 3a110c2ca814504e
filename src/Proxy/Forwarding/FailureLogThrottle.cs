using System.Collections.Concurrent;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// Lets one log entry per (cluster, failure class) through per interval and counts the rest, so a broken backend under
/// load does not flood the log with one stack trace per request.
/// </summary>
internal sealed class FailureLogThrottle(TimeProvider time, TimeSpan interval)
{
    private readonly ConcurrentDictionary<(string Cluster, UpstreamFailureClass Class), Window> _windows = new();

    /// <summary>True when this failure should be logged; <paramref name="suppressed"/> says how many were not since the last.</summary>
    public bool ShouldLog(string cluster, UpstreamFailureClass failureClass, out long suppressed)
    {
        var now = time.GetTimestamp();
        var window = _windows.GetOrAdd((cluster, failureClass), _ => new Window());
        lock (window)
        {
            if (window.LastLogged != 0 && time.GetElapsedTime(window.LastLogged, now) < interval)
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = window.Suppressed;
            window.Suppressed = 0;
            window.LastLogged = now;
            return true;
        }
    }

    private sealed class Window
    {
        public long LastLogged;
        public long Suppressed;
    }
}
