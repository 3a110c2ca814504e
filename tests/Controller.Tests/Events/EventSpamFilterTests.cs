using Microsoft.Extensions.Time.Testing;
using Plexus.Controller.Events;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Events;

public sealed class EventSpamFilterTests
{
    private static readonly ObjectRef Web = new("Service", "apps", "web");
    private static readonly ObjectRef Api = new("Service", "apps", "api");

    [Fact]
    public void An_object_gets_the_burst_then_one_write_per_refill_interval_and_others_are_not_affected()
    {
        var time = new FakeTimeProvider();
        var filter = new EventSpamFilter(new EventOptions { SpamBurst = 3, SpamRefillInterval = TimeSpan.FromMinutes(5) }, time);

        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => filter.TryTake(Web)));
        Assert.True(filter.TryTake(Api));

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(filter.TryTake(Web));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(filter.TryTake(Web));
        Assert.False(filter.TryTake(Web));
    }

    [Fact]
    public void A_pruned_object_whose_bucket_refilled_starts_with_a_full_burst()
    {
        var time = new FakeTimeProvider();
        var filter = new EventSpamFilter(new EventOptions { SpamBurst = 2, SpamRefillInterval = TimeSpan.FromMinutes(1) }, time);
        Assert.True(filter.TryTake(Web));
        Assert.True(filter.TryTake(Web));

        time.Advance(TimeSpan.FromMinutes(2));
        filter.Prune();

        Assert.True(filter.TryTake(Web));
        Assert.True(filter.TryTake(Web));
        Assert.False(filter.TryTake(Web));
    }
}
