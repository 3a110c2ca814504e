using Plexus.Proxy.Forwarding;

namespace Plexus.Proxy.Tests.Forwarding;

public sealed class FailureLogThrottleTests
{
    [Fact]
    public void Logs_once_per_interval_and_key_and_counts_the_rest()
    {
        var time = new ManualTime();
        var throttle = new FailureLogThrottle(time, TimeSpan.FromSeconds(10));

        Assert.True(throttle.ShouldLog("a", UpstreamFailureClass.Reset, out var first));
        Assert.Equal(0, first);
        Assert.False(throttle.ShouldLog("a", UpstreamFailureClass.Reset, out _));
        Assert.False(throttle.ShouldLog("a", UpstreamFailureClass.Reset, out _));
        Assert.True(throttle.ShouldLog("a", UpstreamFailureClass.Tls, out _));
        Assert.True(throttle.ShouldLog("b", UpstreamFailureClass.Reset, out _));

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(throttle.ShouldLog("a", UpstreamFailureClass.Reset, out var suppressed));
        Assert.Equal(2, suppressed);
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
