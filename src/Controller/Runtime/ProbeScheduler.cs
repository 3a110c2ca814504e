using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Model;
using Plexus.Proxy.Probing;

namespace Plexus.Controller.Runtime;

/// <summary>
/// Keeps a verdict for every (host, port, declared protocol) of the applied snapshot: new targets are probed at once,
/// all of them again every <see cref="ProbeSchedulerOptions.Interval"/>, at most
/// <see cref="ProbeSchedulerOptions.MaxConcurrency"/> at a time. It never touches the proxy: the pipeline reads
/// <see cref="Current"/> into the next build and waits on <see cref="WaitForVerdictChangeAsync"/>.
/// </summary>
public sealed partial class ProbeScheduler : BackgroundService
{
    private readonly IProtocolProber _prober;
    private readonly ProbeSchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ProbeScheduler> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<ProbeKey, Task> _inFlight = [];

    // One buffered signal is enough: Current is the truth, a stale signal costs one no-op update.
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private ImmutableHashSet<ProbeKey> _targets = [];
    private int _disposed;
    private ProbeResults _results = ProbeResults.Empty;

    public ProbeScheduler(IProtocolProber prober, IOptions<ProbeSchedulerOptions> options, TimeProvider time, ILogger<ProbeScheduler> logger)
    {
        ArgumentNullException.ThrowIfNull(prober);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        if (_options.Interval <= TimeSpan.Zero || _options.MaxConcurrency < 1 || _options.FirstVerdictWait < TimeSpan.Zero)
        {
            throw new ArgumentException("Probe Interval must be positive, MaxConcurrency at least 1, FirstVerdictWait not negative.", nameof(options));
        }

        _prober = prober;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
    }

    /// <summary>The latest verdict of every current target (targets not probed yet are absent: Unproven).</summary>
    public ProbeResults Current => Volatile.Read(ref _results);

    /// <summary>
    /// Makes the endpoints of <paramref name="snapshot"/> the targets: new ones are probed at once, verdicts of gone
    /// ones are forgotten (an endpoint that comes back is new again). Returns the new targets.
    /// </summary>
    public IReadOnlyCollection<ProbeKey> SetTargets(ProxySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var keys = Targets(snapshot);
        var added = new List<ProbeKey>();
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (!_targets.Contains(key))
                {
                    added.Add(key);
                    StartLocked(key);
                }
            }

            var removed = _targets.Except(keys);
            if (!removed.IsEmpty)
            {
                Volatile.Write(ref _results, new ProbeResults(_results.Verdicts.RemoveRange(removed)));
            }

            _targets = keys;
        }

        return added;
    }

    /// <summary>
    /// Waits until the probes of <paramref name="keys"/> running now have finished, at most <paramref name="bound"/>.
    /// Returns false when the bound passed first.
    /// </summary>
    public async Task<bool> WaitForProbesAsync(IEnumerable<ProbeKey> keys, TimeSpan bound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Task[] running;
        lock (_gate)
        {
            running = [.. keys.Select(k => _inFlight.GetValueOrDefault(k)).OfType<Task>()];
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

    /// <summary>Probes every current target again (those still being probed are left alone).</summary>
    public void ProbeAll()
    {
        lock (_gate)
        {
            foreach (var key in _targets)
            {
                StartLocked(key);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
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
        _stopping.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            ProbeAll();
        }
    }

    private static ImmutableHashSet<ProbeKey> Targets(ProxySnapshot snapshot)
    {
        var keys = ImmutableHashSet.CreateBuilder<ProbeKey>();
        foreach (var cluster in snapshot.Clusters)
        {
            foreach (var endpoint in cluster.Endpoints)
            {
                keys.Add(new ProbeKey(endpoint.Host, endpoint.Port, cluster.Protocol));
            }
        }

        return keys.ToImmutable();
    }

    private async ValueTask WaitAsync(CancellationToken cancellationToken) =>
        await _changed.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);

    private void StartLocked(ProbeKey key)
    {
        if (_stopping.IsCancellationRequested || _inFlight.ContainsKey(key))
        {
            return;
        }

        // Task.Run: the probe must not complete (and remove itself) inside this lock before it is registered.
        _inFlight[key] = Task.Run(() => RunProbeAsync(key));
    }

    private async Task RunProbeAsync(ProbeKey key)
    {
        var stopping = _stopping.Token;
        try
        {
            await _slots.WaitAsync(stopping).ConfigureAwait(false);
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
            finally
            {
                _slots.Release();
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
            lock (_gate)
            {
                _inFlight.Remove(key);
            }
        }
    }

    private void Record(ProbeKey key, ProtocolVerdict verdict)
    {
        ProtocolVerdict previous;
        lock (_gate)
        {
            if (!_targets.Contains(key))
            {
                return; // gone while probed
            }

            previous = _results.For(key.Host, key.Port, key.Protocol);
            if (previous == verdict)
            {
                return;
            }

            Volatile.Write(ref _results, new ProbeResults(_results.Verdicts.SetItem(key, verdict)));
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
