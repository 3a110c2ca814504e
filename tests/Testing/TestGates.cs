using System.Collections.Concurrent;

namespace Plexus.Testing;

/// <summary>
/// Named rendezvous points between a test and the requests its backend serves: a request announces it started, waits
/// until the test releases the gate, and records whether it was aborted instead.
/// </summary>
public sealed class TestGates
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    /// <summary>Lets every request waiting on (or later arriving at) <paramref name="name"/> continue.</summary>
    public void Release(string name) => Get(name).Released.TrySetResult();

    /// <summary>How many requests reached the gate.</summary>
    public int StartedCount(string name) => Volatile.Read(ref Get(name).Started);

    /// <summary>How many requests at the gate saw their request aborted (RequestAborted fired).</summary>
    public int AbortedCount(string name) => Volatile.Read(ref Get(name).Aborted);

    /// <summary>How many requests passed the gate after its release.</summary>
    public int CompletedCount(string name) => Volatile.Read(ref Get(name).Completed);

    /// <summary>Called by the backend: waits for the release; records an abort when <paramref name="requestAborted"/> fires first.</summary>
    internal async Task<bool> PassAsync(string name, CancellationToken requestAborted)
    {
        var gate = Get(name);
        Interlocked.Increment(ref gate.Started);
        try
        {
            await gate.Released.Task.WaitAsync(requestAborted);
            Interlocked.Increment(ref gate.Completed);
            return true;
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref gate.Aborted);
            return false;
        }
    }

    private Gate Get(string name) => _gates.GetOrAdd(name, _ => new Gate());

    private sealed class Gate
    {
        public readonly TaskCompletionSource Released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Started;
        public int Aborted;
        public int Completed;
    }
}
