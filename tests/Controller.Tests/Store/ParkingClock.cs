using Microsoft.Extensions.Time.Testing;
using Plexus.Testing;

namespace Plexus.Controller.Tests.Store;

/// <summary>
/// A fake clock that advances only once the store's consumer is parked on its timer. The consumer wakes on a pool thread
/// (Task.Delay on a TimeProvider continues asynchronously), reads the clock, then creates its next timer: an Advance in
/// between would put that timer's due time after the deadline it computed, and a test that then stops the clock would
/// wait for it forever.
/// </summary>
internal sealed class ParkingClock : FakeTimeProvider
{
    private int _activeTimers;

    /// <summary>Waits until a timer is pending on this clock, then advances it.</summary>
    public async Task AdvanceWhenParkedAsync(TimeSpan by)
    {
        await Eventually.UntilAsync(() => Volatile.Read(ref _activeTimers) > 0, because: "the consumer waits on a timer");
        Advance(by);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _activeTimers);
        return new CountedTimer(base.CreateTimer(callback, state, dueTime, period), this);
    }

    private sealed class CountedTimer(ITimer inner, ParkingClock clock) : ITimer
    {
        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref clock._activeTimers);
            }

            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
