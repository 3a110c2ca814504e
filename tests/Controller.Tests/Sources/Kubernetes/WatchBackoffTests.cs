using Plexus.Controller.Sources.Kubernetes;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

public sealed class WatchBackoffTests
{
    [Theory]
    [InlineData(0.0, new[] { 100, 200, 400, 800, 1000, 1000 })]
    [InlineData(1.0, new[] { 200, 400, 800, 1600, 2000, 2000 })]
    [InlineData(0.5, new[] { 150, 300, 600, 1200, 1500, 1500 })]
    public void Delays_double_up_to_the_maximum_with_half_of_each_random(double random, int[] expectedMs)
    {
        var backoff = new WatchBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), () => random);

        var delays = expectedMs.Select(_ => (int)backoff.Next().TotalMilliseconds).ToArray();

        Assert.Equal(expectedMs, delays);
        Assert.Equal(expectedMs.Length, backoff.Failures);
    }

    [Fact]
    public void Reset_starts_over()
    {
        var backoff = new WatchBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), () => 1.0);
        for (var i = 0; i < 10; i++)
        {
            backoff.Next();
        }

        backoff.Reset();

        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.Next());
    }

    [Fact]
    public void Many_failures_stay_at_the_maximum()
    {
        var backoff = new WatchBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), () => 1.0);
        var last = TimeSpan.Zero;
        for (var i = 0; i < 100; i++)
        {
            last = backoff.Next();
        }

        Assert.Equal(TimeSpan.FromSeconds(30), last);
    }
}
