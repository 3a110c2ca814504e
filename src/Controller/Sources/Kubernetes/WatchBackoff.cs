namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>
/// Exponential backoff with "equal jitter": the n-th consecutive failure waits a random time in
/// [b/2, b] where b = min(max, initial * 2^(n-1)). Half of the delay is random so that many controllers
/// restarted together do not hit the API server in lockstep; the other half keeps the delay from shrinking
/// as failures continue, so delays never decrease until <see cref="Reset"/>.
/// </summary>
public sealed class WatchBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Func<double> _random;

    public WatchBackoff(TimeSpan initial, TimeSpan max, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        _initial = initial;
        _max = max;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Consecutive failures since the last <see cref="Reset"/>.</summary>
    public int Failures { get; private set; }

    /// <summary>Records a failure and returns how long to wait before the next attempt.</summary>
    public TimeSpan Next()
    {
        Failures++;
        var exponent = Math.Min(Failures - 1, 30);
        var ceiling = Math.Min(_max.Ticks, _initial.Ticks * Math.Pow(2, exponent));
        var half = ceiling / 2;
        return TimeSpan.FromTicks((long)(half + (half * Math.Clamp(_random(), 0, 1))));
    }

    /// <summary>After a success: the next failure waits about the initial delay again.</summary>
    public void Reset() => Failures = 0;
}
