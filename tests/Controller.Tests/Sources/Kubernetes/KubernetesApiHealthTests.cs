using System.Net;
using k8s.Autorest;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Tests.FakeApi;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

/// <summary>The shared view of API health, with a scripted probe and a fake clock.</summary>
public sealed class KubernetesApiHealthTests : IAsyncDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);
    private readonly FakeTimeProvider _time = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly KubernetesSourceOptions _options = new() { InitialBackoff = TimeSpan.FromSeconds(1), ApiProbeInterval = TimeSpan.FromSeconds(2) };
    private readonly KubernetesApiHealth _health;
    private readonly Task _run;
    private volatile bool _answering;
    private volatile TaskCompletionSource? _firstProbeGate;
    private int _probes;

    public KubernetesApiHealthTests()
    {
        _health = new KubernetesApiHealth(ProbeAsync, _options, _time, NullLogger.Instance);
        _run = _health.RunAsync(_stop.Token);
    }

    [Fact]
    public async Task An_outage_ends_with_the_first_answer_and_wakes_every_waiter_at_once()
    {
        var before = _health.OutagesEnded;
        _health.ReportFailure(new HttpRequestException("Connection refused"));
        await Poll.UntilAsync(() => _health.IsUnavailable, "the probe finds the API unavailable");
        Task<bool>[] waiters = [.. Enumerable.Range(0, 3).Select(_ => _health.DelayAsync(Long, before, CancellationToken.None))];

        // The probe keeps failing; the waiters keep waiting.
        await AdvanceUntilAsync(() => _probes >= 3, "two more failed probes");
        Assert.All(waiters, w => Assert.False(w.IsCompleted));

        _answering = true;
        await AdvanceUntilAsync(() => waiters.All(w => w.IsCompleted), "every waiter woken");

        Assert.All(waiters, w => Assert.True(w.Result));
        Assert.False(_health.IsUnavailable);
        Assert.Equal(before + 1, _health.OutagesEnded);
        Assert.True(_time.GetUtcNow() - _time.Start < Long, "woken long before their delay ended");

        // A waiter that read the count before the outage ended does not wait at all.
        Assert.True(await _health.DelayAsync(Long, before, CancellationToken.None));
    }

    [Fact]
    public async Task A_watcher_answered_during_an_outage_ends_it_without_waiting_for_the_probe()
    {
        var before = _health.OutagesEnded;
        _health.ReportFailure(new HttpRequestException("Connection refused"));
        await Poll.UntilAsync(() => _health.IsUnavailable, "the probe finds the API unavailable");
        var waiter = _health.DelayAsync(Long, before, CancellationToken.None);

        _health.ReportAnswered();

        Assert.True(await waiter.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(before + 1, _health.OutagesEnded);
    }

    [Fact]
    public async Task An_outage_that_starts_just_after_the_first_probe_is_seen_by_a_second_look()
    {
        // Every kind fails at once; the probe they raise still reaches the API, which goes away right after.
        _firstProbeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var before = _health.OutagesEnded;
        foreach (var _ in Enumerable.Range(0, 3))
        {
            _health.ReportFailure(new HttpRequestException("Error while copying content to a stream."));
        }

        var waiter = _health.DelayAsync(Long, before, CancellationToken.None);
        _firstProbeGate.SetResult();
        await AdvanceUntilAsync(() => _health.IsUnavailable, "the second look finds the API unavailable");

        _answering = true;
        await AdvanceUntilAsync(() => waiter.IsCompleted, "the waiter woken");
        Assert.True(await waiter);
        Assert.Equal(before + 1, _health.OutagesEnded);
    }

    [Fact]
    public async Task A_failure_the_probe_answers_at_once_is_no_outage_and_wakes_nobody()
    {
        _answering = true;
        var waiter = _health.DelayAsync(Long, _health.OutagesEnded, CancellationToken.None);

        _health.ReportFailure(new HttpOperationException { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.InternalServerError), "") });
        await Poll.UntilAsync(() => _probes == 1, "the probe checked");

        Assert.False(_health.IsUnavailable);
        Assert.Equal(0, _health.OutagesEnded);
        Assert.False(waiter.IsCompleted);
        _time.Advance(Long);
        Assert.False(await waiter.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _run);
        _stop.Dispose();
    }

    private async Task ProbeAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _probes) == 1 && _firstProbeGate is { } gate)
        {
            await gate.Task; // answered: it reached the API before the API went away
            return;
        }

        if (!_answering)
        {
            throw new HttpRequestException("Connection refused");
        }
    }

    /// <summary>The probe loop sleeps on the fake clock: move it on in steps of one probe interval until the condition holds.</summary>
    private Task AdvanceUntilAsync(Func<bool> condition, string what) => Poll.UntilAsync(
        () =>
        {
            if (condition())
            {
                return true;
            }

            _time.Advance(_options.ApiProbeInterval);
            return false;
        },
        what);
}
