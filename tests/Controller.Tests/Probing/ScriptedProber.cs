using System.Collections.Concurrent;
using Plexus.Proxy.Model;
using Plexus.Proxy.Probing;

namespace Plexus.Controller.Tests.Probing;

/// <summary>Answers from a script, counts calls, and can hold every probe until released.</summary>
internal sealed class ScriptedProber : IProtocolProber
{
    private readonly ConcurrentDictionary<int, Func<ProtocolVerdict>> _answers = new();
    private readonly ConcurrentDictionary<int, int> _calls = new();
    private readonly ConcurrentQueue<int> _order = new();
    private TaskCompletionSource _gate = CompletedGate();
    private int _running;
    private int _maxRunning;

    public int Running => Volatile.Read(ref _running);

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public void Answer(int port, ProtocolVerdict verdict) => _answers[port] = () => verdict;

    public void Throw(int port, Exception exception) => _answers[port] = () => throw exception;

    public int Calls(int port) => _calls.GetValueOrDefault(port);

    /// <summary>The ports probed, in the order the probes started.</summary>
    public int[] CallOrder => [.. _order];

    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public async Task<ProtocolVerdict> ProbeAsync(string host, int port, BackendProtocol declared, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(port, 1, (_, n) => n + 1);
        _order.Enqueue(port);
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        try
        {
            await _gate.Task.WaitAsync(cancellationToken);
            return _answers.TryGetValue(port, out var answer) ? answer() : ProtocolVerdict.Unproven with { Reason = "unscripted" };
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
