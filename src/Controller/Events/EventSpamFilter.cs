using Plexus.Proxy.Model;

namespace Plexus.Controller.Events;

/// <summary>
/// Bounds the Event writes per object, as client-go's EventSourceObjectSpamFilter does: a token bucket per object
/// (<see cref="EventOptions.SpamBurst"/> writes at once, then one per <see cref="EventOptions.SpamRefillInterval"/>).
/// An object whose diagnostics keep changing (a flapping backend, a rollout of a broken Service) cannot flood the API
/// server or <c>kubectl describe</c>. Not thread-safe: used by the one writer loop.
/// </summary>
public sealed class EventSpamFilter(EventOptions options, TimeProvider time)
{
    private readonly Dictionary<ObjectRef, Bucket> _buckets = [];

    /// <summary>True, taking a token, when one more write on <paramref name="subject"/> is allowed now.</summary>
    public bool TryTake(ObjectRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var now = time.GetUtcNow();
        var bucket = _buckets.TryGetValue(subject, out var found) ? Refill(found, now) : new Bucket(options.SpamBurst, now);
        if (bucket.Tokens < 1)
        {
            _buckets[subject] = bucket;
            return false;
        }

        _buckets[subject] = bucket with { Tokens = bucket.Tokens - 1 };
        return true;
    }

    /// <summary>Forgets objects whose bucket is full again (they would start afresh anyway), so the table does not grow.</summary>
    public void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (subject, bucket) in _buckets.ToList())
        {
            if (Refill(bucket, now).Tokens >= options.SpamBurst)
            {
                _buckets.Remove(subject);
            }
        }
    }

    private Bucket Refill(Bucket bucket, DateTimeOffset now)
    {
        if (options.SpamRefillInterval <= TimeSpan.Zero)
        {
            return new Bucket(options.SpamBurst, now);
        }

        var earned = (now - bucket.Since) / options.SpamRefillInterval;
        return earned <= 0 ? bucket : new Bucket(Math.Min(options.SpamBurst, bucket.Tokens + earned), now);
    }

    private sealed record Bucket(double Tokens, DateTimeOffset Since);
}
