using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;
using Plexus.Proxy.Probing;

namespace Plexus.Controller.Runtime;

/// <summary>
/// Keeps a verdict for every (host, port, declared protocol) of the built snapshot: new targets are probed at once,
/// all of them again every <see cref="ProbeSchedulerOptions.Interval"/>, at most
/// <see cref="ProbeSchedulerOptions.MaxConcurrency"/> at a time. It never touches the proxy: the pipeline reads
/// <see cref="Current"/> into the next build, waits on <see cref="WaitForVerdictChangeAsync"/> and asks
/// <see cref="TakeChangedClusters"/> which clusters to restamp.
/// </summary>
/// <remarks>
/// Work per snapshot is proportional to the clusters that changed: <see cref="SetTargets"/> diffs the clusters by
/// reference against the previous call (<see cref="ClusterChanges"/>) and keeps an index endpoint → clusters. First
/// probes of new endpoints go ahead of the periodic re-probes, which are spread over the interval instead of queued
/// all at once, so that a change of one Service never waits behind a round of every endpoint.
/// </remarks>
public sealed partial class ProbeScheduler : BackgroundService
{
    // The periodic round releases its probes in ticks of at least this much, spread evenly over the interval.
    private static readonly TimeSpan RoundTick = TimeSpan.FromMilliseconds(100);

    private readonly IProtocolProber _prober;
    private readonly ProbeSchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ProbeScheduler> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();

    // Queued or running probes; the task completes when the verdict was recorded (or the probe was abandoned).
    private readonly Dictionary<ProbeKey, TaskCompletionSource> _inFlight = [];
    private readonly Queue<ProbeKey> _firstProbes = new();
    private readonly Queue<ProbeKey> _roundProbes = new();

    // Every target and the Ids of the clusters that have it: a string for one cluster, a HashSet<string> for more.
    private readonly Dictionary<ProbeKey, object> _clustersByTarget = [];

    // Targets whose verdict changed since the last TakeChangedClusters.
    private readonly HashSet<ProbeKey> _changedTargets = [];

    // One buffered signal is enough: Current is the truth, a stale signal costs one no-op update.
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private ImmutableArray<ProxyCluster> _targetClusters = [];
    private int _running;
    private int _disposed;
    private ProbeResults _results = ProbeResults.Empty;

    public ProbeScheduler(IProtocolProber prober, IOptions<ProbeSchedulerOptions> options, TimeProvider time, ILogger<ProbeScheduler> logger)
    {
        ArgumentNullException.ThrowIfNull(prober);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        if (_options.Interval <= TimeSpan.Zero || _options.MaxConcurrency < 1 || _options.MaxRoundProbesPerSecond < 1
            || _options.FirstVerdictWait < TimeSpan.Zero || _options.InitialVerdictWait < TimeSpan.Zero)
        {
            throw new ArgumentException("Probe Interval must be positive, MaxConcurrency and MaxRoundProbesPerSecond at least 1, FirstVerdictWait and InitialVerdictWait not negative.", nameof(options));
        }

        _prober = prober;
        _time = time;
        _logger = logger;
    }

    /// <summary>The latest verdict of every current target (targets not probed yet are absent: Unproven).</summary>
    public ProbeResults Current => Volatile.Read(ref _results);

    /// <summary>How many distinct targets there are.</summary>
    public int TargetCount
    {
        get
        {
            lock (_gate)
            {
                return _clustersByTarget.Count;
            }
        }
    }

    /// <summary>
    /// Makes the endpoints of <paramref name="snapshot"/> the targets: new ones are probed at once (ahead of periodic
    /// re-probes), verdicts of gone ones are forgotten (an endpoint that comes back is new again). Returns the new
    /// targets. Costs what changed since the previous call: clusters reference-equal to the previous ones are skipped.
    /// </summary>
    /// <param name="snapshot">The built snapshot.</param>
    /// <param name="ahead">
    /// True (a change): the new targets' first probes go ahead of everything queued. False (the initial sync, every
    /// endpoint at once): they queue like a periodic round, so that a later change's endpoints do not wait behind them.
    /// </param>
    public IReadOnlyCollection<ProbeKey> SetTargets(ProxySnapshot snapshot, bool ahead = true)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var added = new List<ProbeKey>();
        lock (_gate)
        {
            var changes = ClusterChanges.Between(_targetClusters, snapshot.Clusters);
            _targetClusters = snapshot.Clusters;
            List<ProbeKey>? removed = null;
            foreach (var (old, next) in changes)
            {
                // The new cluster's targets first: a target both clusters have must not be forgotten in between.
                var kept = next is null ? null : new HashSet<ProbeKey>();
                if (next is not null)
                {
                    foreach (var endpoint in next.Endpoints)
                    {
                        var key = new ProbeKey(endpoint.Host, endpoint.Port, next.Protocol);
                        kept!.Add(key);
                        if (AddCluster(key, next.Id))
                        {
                            added.Add(key);
                            StartLocked(key, first: ahead);
                        }
                    }
                }

                if (old is null)
                {
                    continue;
                }

                foreach (var endpoint in old.Endpoints)
                {
                    var key = new ProbeKey(endpoint.Host, endpoint.Port, old.Protocol);
                    if ((kept is null || !kept.Contains(key)) && RemoveCluster(key, old.Id))
                    {
                        (removed ??= []).Add(key);
                        _changedTargets.Remove(key);
                    }
                }
            }

            if (removed is not null)
            {
                Volatile.Write(ref _results, new ProbeResults(_results.Verdicts.RemoveRange(removed)));
            }
        }

        return added;
    }

    /// <summary>
    /// The Ids of the clusters (of the last <see cref="SetTargets"/>) that have an endpoint whose verdict changed since
    /// the previous call; restamping them from <see cref="Current"/> brings a snapshot built before up to date.
    /// </summary>
    public IReadOnlySet<string> TakeChangedClusters()
    {
        lock (_gate)
        {
            var clusters = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in _changedTargets)
            {
                switch (_clustersByTarget.GetValueOrDefault(key))
                {
                    case string id: clusters.Add(id); break;
                    case HashSet<string> ids: clusters.UnionWith(ids); break;
                }
            }

            _changedTargets.Clear();
            return clusters;
        }
    }

    /// <summary>
    /// Waits until the probes of <paramref name="keys"/> queued or running now have finished, at most <paramref name="bound"/>.
    /// Returns false when the bound passed first.
    /// </summary>
    public async Task<bool> WaitForProbesAsync(IEnumerable<ProbeKey> keys, TimeSpan bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Task[] running;
        lock (_gate)
        {
            running = [.. keys.Select(k => _inFlight.GetValueOrDefault(k)?.Task).OfType<Task>()];
        }

        if (running.Length == 0)
        {
            return true;
        }

        try
        {
            await Task.WhenAll(running).WaitAsync(bound, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Completes when some verdict changed since the previous call (or a change is pending). One waiter at a time.</summary>
    public ValueTask WaitForVerdictChangeAsync(CancellationToken cancellationToken) => WaitAsync(cancellationToken);

    /// <summary>Probes every current target again, now (those queued or being probed are left alone). First probes still go first.</summary>
    public void ProbeAll()
    {
        lock (_gate)
        {
            foreach (var key in _clustersByTarget.Keys)
            {
                StartLocked(key, first: false);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        AbandonQueued();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        // The container disposes the instance once as a singleton and once as the hosted service it also is.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        AbandonQueued();
        _stopping.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Periodic rounds: every target once per <see cref="ProbeSchedulerOptions.Interval"/>, released evenly over the
    /// interval (a tick of at least 100 ms) rather than all at once, at most
    /// <see cref="ProbeSchedulerOptions.MaxRoundProbesPerSecond"/> (a round of many targets lasts longer than the
    /// interval). A round that cannot keep up (more targets than MaxConcurrency can probe in it) makes the next one
    /// start later: the rate adapts to what probing costs.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunRoundAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RunRoundAsync(CancellationToken stoppingToken)
    {
        ProbeKey[] round;
        lock (_gate)
        {
            round = [.. _clustersByTarget.Keys];
        }

        // The round lasts the interval, or longer when the targets exceed what MaxRoundProbesPerSecond allows in it.
        var duration = TimeSpan.FromSeconds(round.Length / (double)_options.MaxRoundProbesPerSecond);
        duration = duration > _options.Interval ? duration : _options.Interval;
        var ticks = round.Length == 0 ? 1 : (int)Math.Clamp(duration / RoundTick, 1, round.Length);
        var tick = duration / ticks;
        var next = 0;
        for (var t = 1; t <= ticks; t++)
        {
            await Task.Delay(tick, _time, stoppingToken).ConfigureAwait(false);
            var end = (int)((long)round.Length * t / ticks);
            lock (_gate)
            {
                for (; next < end; next++)
                {
                    if (_clustersByTarget.ContainsKey(round[next]))
                    {
                        StartLocked(round[next], first: false);
                    }
                }
            }
        }

        // Do not start another round while this one still queues: probing slower than the interval stretches it.
        while (true)
        {
            lock (_gate)
            {
                if (_roundProbes.Count == 0)
                {
                    break;
                }
            }

            await Task.Delay(RoundTick, _time, stoppingToken).ConfigureAwait(false);
        }
    }

    // Probes that never started will not run: their waiters must not wait for the bound.
    private void AbandonQueued()
    {
        var abandoned = new List<TaskCompletionSource>();
        lock (_gate)
        {
            foreach (var key in _firstProbes.Concat(_roundProbes))
            {
                if (_inFlight.Remove(key, out var done))
                {
                    abandoned.Add(done);
                }
            }

            _firstProbes.Clear();
            _roundProbes.Clear();
        }

        foreach (var done in abandoned)
        {
            done.TrySetResult();
        }
    }

    private bool AddCluster(ProbeKey key, string clusterId)
    {
        if (!_clustersByTarget.TryGetValue(key, out var clusters))
        {
            _clustersByTarget.Add(key, clusterId);
            return true;
        }

        switch (clusters)
        {
            case string one when !string.Equals(one, clusterId, StringComparison.Ordinal):
                _clustersByTarget[key] = new HashSet<string>(StringComparer.Ordinal) { one, clusterId };
                break;
            case HashSet<string> many:
                many.Add(clusterId);
                break;
        }

        return false;
    }

    // True when the target has no cluster left.
    private bool RemoveCluster(ProbeKey key, string clusterId)
    {
        switch (_clustersByTarget.GetValueOrDefault(key))
        {
            case string one when string.Equals(one, clusterId, StringComparison.Ordinal):
                _clustersByTarget.Remove(key);
                return true;
            case HashSet<string> many when many.Remove(clusterId):
                if (many.Count == 1)
                {
                    _clustersByTarget[key] = many.First();
                }

                return false;
            default:
                return false;
        }
    }

    private async ValueTask WaitAsync(CancellationToken cancellationToken) =>
        await _changed.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);

    private void StartLocked(ProbeKey key, bool first)
    {
        if (_stopping.IsCancellationRequested || _inFlight.ContainsKey(key))
        {
            return;
        }

        _inFlight[key] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        (first ? _firstProbes : _roundProbes).Enqueue(key);
        PumpLocked();
    }

    // Starts queued probes while slots are free, first probes before periodic ones.
    private void PumpLocked()
    {
        while (_running < _options.MaxConcurrency && !_stopping.IsCancellationRequested
            && (_firstProbes.TryDequeue(out var key) || _roundProbes.TryDequeue(out key)))
        {
            _running++;

            // Task.Run: the probe must not complete (and re-enter this lock) on this thread.
            _ = Task.Run(() => RunProbeAsync(key));
        }
    }

    private async Task RunProbeAsync(ProbeKey key)
    {
        var stopping = _stopping.Token;
        try
        {
            ProtocolVerdict verdict;
            try
            {
                verdict = await _prober.ProbeAsync(key.Host, key.Port, key.Protocol, stopping).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A prober bug must not end the scheduling; the endpoint stays Unproven with the reason.
            catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LogProbeFailed(exception, key.Host, key.Port, key.Protocol.ToWireName());
                verdict = new ProtocolVerdict(VerdictKind.Unproven, null, $"probe failed: {exception.Message}");
            }

            Record(key, verdict);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (ObjectDisposedException) when (stopping.IsCancellationRequested)
        {
            // Disposed while stopping.
        }
        finally
        {
            TaskCompletionSource? done;
            lock (_gate)
            {
                _inFlight.Remove(key, out done);
                _running--;
                PumpLocked();
            }

            done?.TrySetResult();
        }
    }

    private void Record(ProbeKey key, ProtocolVerdict verdict)
    {
        ProtocolVerdict previous;
        lock (_gate)
        {
            if (!_clustersByTarget.ContainsKey(key))
            {
                return; // gone while probed
            }

            previous = _results.For(key.Host, key.Port, key.Protocol);
            if (previous == verdict)
            {
                return;
            }

            Volatile.Write(ref _results, new ProbeResults(_results.Verdicts.SetItem(key, verdict)));
            _changedTargets.Add(key);
        }

        if (previous.Kind != verdict.Kind)
        {
            if (verdict.Kind == VerdictKind.Mismatch)
            {
                LogMismatch(key.Host, key.Port, key.Protocol.ToWireName(), verdict.Reason);
            }
            else
            {
                LogVerdict(key.Host, key.Port, key.Protocol.ToWireName(), verdict.Kind, verdict.Reason);
            }
        }

        _changed.Writer.TryWrite(true);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint {Host}:{Port} does not speak its declared protocol {Declared}: {Reason}")]
    private partial void LogMismatch(string host, int port, string declared, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Endpoint {Host}:{Port} declared {Declared}: {Verdict} ({Reason})")]
    private partial void LogVerdict(string host, int port, string declared, VerdictKind verdict, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Probing {Host}:{Port} ({Declared}) failed")]
    private partial void LogProbeFailed(Exception exception, string host, int port, string declared);
}
