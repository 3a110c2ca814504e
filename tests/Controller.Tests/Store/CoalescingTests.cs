using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plexus.Controller.Store;
using static Plexus.Controller.Tests.Store.TestObjects;

namespace Plexus.Controller.Tests.Store;

/// <summary>Coalescing on a fake clock that moves only while the consumer waits on it (<see cref="ParkingClock"/>).</summary>
public class CoalescingTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(10);

    private readonly ParkingClock _time = new();

    [Fact]
    public async Task Changes_are_handed_out_once_the_quiet_window_passed()
    {
        var store = NewStore(_time);
        store.Upsert(Service("a"));

        var wait = store.WaitForChangesAsync().AsTask();
        await _time.AdvanceWhenParkedAsync(29 * Ms);
        Assert.False(wait.IsCompleted);
        await _time.AdvanceWhenParkedAsync(1 * Ms);

        var changes = await wait.WaitAsync(Safety);
        Assert.True(changes.State.Services.ContainsKey(Key("a")));
        Assert.Equal([ResourceKind.Service], changes.ChangedKinds);
        Assert.False(store.HasPendingChanges);
    }

    [Fact]
    public async Task A_burst_is_one_batch()
    {
        var store = NewStore(_time);
        store.Upsert(Service("s-0"));
        var wait = store.WaitForChangesAsync().AsTask();
        for (var i = 1; i < 100; i++)
        {
            await _time.AdvanceWhenParkedAsync(1 * Ms);
            store.Upsert(Service($"s-{i}"));
            Assert.False(wait.IsCompleted);
        }

        await _time.AdvanceWhenParkedAsync(30 * Ms);

        var changes = await wait.WaitAsync(Safety);
        Assert.Equal(100, changes.State.Services.Count);
        Assert.False(store.HasPendingChanges);
    }

    [Fact]
    public async Task A_burst_that_never_goes_quiet_is_cut_at_the_max_delay()
    {
        var store = NewStore(_time);
        store.Upsert(Service("s-0"));
        var wait = store.WaitForChangesAsync().AsTask();
        for (var i = 1; i < 25; i++)
        {
            await _time.AdvanceWhenParkedAsync(10 * Ms);
            store.Upsert(Service($"s-{i}"));
            Assert.False(wait.IsCompleted);
        }

        await _time.AdvanceWhenParkedAsync(10 * Ms); // 250 ms after the first event

        var first = await wait.WaitAsync(Safety);
        Assert.Equal(25, first.State.Services.Count);

        store.Upsert(Service("late"));
        var next = store.WaitForChangesAsync().AsTask();
        await _time.AdvanceWhenParkedAsync(30 * Ms);
        Assert.Equal(26, (await next.WaitAsync(Safety)).State.Services.Count);
    }

    [Fact]
    public async Task A_waiting_consumer_wakes_up_for_a_change()
    {
        var store = NewStore(_time);
        var wait = store.WaitForChangesAsync().AsTask();
        Assert.False(wait.IsCompleted);

        store.Upsert(Service("a"));

        // The wake-up runs on another thread; keep the fake clock moving until it has taken the change.
        for (var i = 0; i < 2000 && !wait.IsCompleted; i++)
        {
            _time.Advance(5 * Ms);
            await Task.WhenAny(wait, Task.Delay(5));
        }

        Assert.True((await wait).State.Services.ContainsKey(Key("a")));
    }

    [Fact]
    public async Task Becoming_synced_is_a_change()
    {
        var store = NewStore(_time, expected: [ResourceKind.Ingress]);
        store.ReplaceAll(ResourceKind.Ingress, []);
        var wait = store.WaitForChangesAsync().AsTask();
        await _time.AdvanceWhenParkedAsync(30 * Ms);

        var changes = await wait.WaitAsync(Safety);
        Assert.True(changes.AllSynced);
        Assert.Equal([ResourceKind.Ingress], changes.ChangedKinds);
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        var store = NewStore(_time);
        using var cts = new CancellationTokenSource();
        var wait = store.WaitForChangesAsync(cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Safety));
    }

    [Fact]
    public async Task Real_clock_rapid_upserts_end_in_a_state_with_all_of_them()
    {
        var store = new ResourceStore(Options.Create(new ResourceStoreOptions()), TimeProvider.System);
        using var cts = new CancellationTokenSource(Safety);
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                store.Upsert(Service($"s-{i}"));
            }
        });

        while (true)
        {
            var changes = await store.WaitForChangesAsync(cts.Token);
            if (changes.State.Services.Count == 100)
            {
                break;
            }
        }

        await producer;
        Assert.False(store.HasPendingChanges);
    }
}
