using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>
/// The source's one shared view of whether the Kubernetes API answers. Watchers report what their calls got. A failure
/// that may mean the API is gone (no answer, 5xx) is checked with a probe (a one-item list of IngressClasses); while the
/// probe gets no answer the API is unavailable, and the probe is retried at most
/// <see cref="KubernetesSourceOptions.ApiProbeInterval"/> apart. The first answer after that, the probe's or any
/// watcher's, ends the outage and wakes every watcher waiting out a backoff, so every kind catches up at once instead of
/// each at the end of its own delay (which grows to MaxBackoff during a long outage).
/// </summary>
/// <remarks>
/// Only a probe-confirmed outage wakes anyone. A kind that fails on its own while the probe is answered (a 500 or 403 on
/// one resource) is no outage: it backs off alone, so a broken kind cannot turn the wake-up into a retry loop.
/// </remarks>
internal sealed class KubernetesApiHealth
{
    private readonly Func<CancellationToken, Task> _probe;
    private readonly KubernetesSourceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Channel<bool> _suspicions = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private TaskCompletionSource _returned = NewSignal();
    private volatile ApiState _state = ApiState.Available;
    private long _outagesEnded;
    private long _unavailableSince;

    // Failures reported while a suspicion is being checked, and whether an answered probe was already looked at twice.
    private int _failuresWhileSuspect;
    private bool _secondLookTaken;

    /// <param name="probe">A cheap read that proves the API serves requests; it throws when it does not.</param>
    public KubernetesApiHealth(Func<CancellationToken, Task> probe, KubernetesSourceOptions options, TimeProvider time, ILogger logger)
    {
        _probe = probe;
        _options = options;
        _time = time;
        _logger = logger;
    }

    private enum ApiState
    {
        Available,
        Suspect,
        Unavailable,
    }

    /// <summary>How many outages have ended. Read it before a call; pass it to <see cref="DelayAsync"/> after the call failed.</summary>
    public long OutagesEnded
    {
        get
        {
            lock (_lock)
            {
                return _outagesEnded;
            }
        }
    }

    /// <summary>Whether the probe last found the API unavailable.</summary>
    public bool IsUnavailable => _state == ApiState.Unavailable;

    /// <summary>A call was answered (any 2xx, or a 4xx other than 429): the API is there. Cheap when nothing changes.</summary>
    public void ReportAnswered()
    {
        if (_state == ApiState.Available)
        {
            return;
        }

        TaskCompletionSource? wake = null;
        TimeSpan outage = default;
        lock (_lock)
        {
            if (_state == ApiState.Unavailable)
            {
                wake = _returned;
                _returned = NewSignal();
                _outagesEnded++;
                outage = _time.GetElapsedTime(_unavailableSince);
            }

            _state = ApiState.Available;
        }

        if (wake is not null)
        {
            _logger.LogInformation("The Kubernetes API answers again after {Outage}; waking every waiting watcher", outage);
            wake.TrySetResult();
        }
    }

    /// <summary>A call failed. If the failure may mean the API is gone, the probe checks.</summary>
    public void ReportFailure(Exception exception)
    {
        if (_state == ApiState.Unavailable || !KubernetesApiErrors.MayBeUnavailable(exception))
        {
            return;
        }

        lock (_lock)
        {
            if (_state == ApiState.Suspect)
            {
                _failuresWhileSuspect++;
                return;
            }

            if (_state != ApiState.Available)
            {
                return;
            }

            _state = ApiState.Suspect;
            _failuresWhileSuspect = 1;
            _secondLookTaken = false;
        }

        _suspicions.Writer.TryWrite(true);
    }

    /// <summary>
    /// Waits <paramref name="delay"/>, or less: returns as soon as an outage ends that had not ended when
    /// <paramref name="outagesEndedBefore"/> was read (at once if one has ended since). True when woken that way.
    /// </summary>
    public async Task<bool> DelayAsync(TimeSpan delay, long outagesEndedBefore, CancellationToken cancellationToken)
    {
        Task returned;
        lock (_lock)
        {
            if (_outagesEnded != outagesEndedBefore)
            {
                return true;
            }

            returned = _returned.Task;
        }

        using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var first = await Task.WhenAny(Task.Delay(delay, _time, sleeping.Token), returned).ConfigureAwait(false);
        await sleeping.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == returned;
    }

    /// <summary>Probes whenever a failure is reported, until the API answers; runs until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var interval = _options.ApiProbeInterval;
        var initial = interval < _options.InitialBackoff ? interval : _options.InitialBackoff;
        while (true)
        {
            await _suspicions.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var backoff = new WatchBackoff(initial, interval);
            while (_state != ApiState.Available)
            {
                var failure = await ProbeAsync(cancellationToken).ConfigureAwait(false);
                if (failure is null && TakeSecondLook())
                {
                    // Several kinds failed at once, yet the probe was answered: an outage that was only starting (the
                    // probe slipped in before the API went away) would otherwise leave them all asleep. Look once more.
                    await Task.Delay(interval, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (failure is null)
                {
                    ReportAnswered();
                    break;
                }

                MarkUnavailable(failure);
                var delay = backoff.Next();
                _logger.LogDebug(failure, "The Kubernetes API probe failed; probing again in {Delay}", delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Null when the probe was answered (a 4xx is an answer too), else why not.</summary>
    private async Task<Exception?> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.ApiProbeTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _probe(linked.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return KubernetesApiErrors.MayBeUnavailable(ex) ? ex : null;
        }
    }

    private bool TakeSecondLook()
    {
        lock (_lock)
        {
            if (_state != ApiState.Suspect || _failuresWhileSuspect < 2 || _secondLookTaken)
            {
                return false;
            }

            _secondLookTaken = true;
            return true;
        }
    }

    private void MarkUnavailable(Exception failure)
    {
        lock (_lock)
        {
            // Available: a watcher's call was answered meanwhile, and the probe loop ends on its own.
            if (_state != ApiState.Suspect)
            {
                return;
            }

            _state = ApiState.Unavailable;
            _unavailableSince = _time.GetTimestamp();
        }

        _logger.LogWarning("The Kubernetes API is unavailable ({Error}); probing it at most {Interval} apart", failure.Message, _options.ApiProbeInterval);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
