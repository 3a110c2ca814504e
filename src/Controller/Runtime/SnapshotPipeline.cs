using System.Diagnostics;
using Microsoft.Extensions.Options;
using Plexus.Controller.Store;
using Plexus.Controller.Telemetry;
using Plexus.Controller.Translation;
using Plexus.Proxy;
using Plexus.Proxy.Listeners;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Runtime;

/// <summary>
/// The one-way loop of the control plane: store changes (coalesced) → pure translator → proxy apply, and prober
/// verdicts → <see cref="Translator.UpdateVerdicts"/> → proxy apply. It waits for whichever comes first. An
/// endpoint-only change updates the clusters it touches and reuses the routes. Endpoints a build sees for the first
/// time are probed before the snapshot is applied, for at most <see cref="ProbeSchedulerOptions.FirstVerdictWait"/>
/// (the initial sync: <see cref="ProbeSchedulerOptions.InitialVerdictWait"/>).
/// </summary>
/// <remarks>
/// Work per change is proportional to what changed: the translator reuses the instances of untouched clusters and
/// the routes array, the prober names the clusters whose verdicts changed, and everything after the apply (probe
/// targets, verdict gauges, diagnostics log and metrics) diffs by reference against the previous snapshot.
/// </remarks>
public sealed partial class SnapshotPipeline(
    ResourceStore store,
    ISnapshotApplier proxy,
    ReadinessState readiness,
    CertificateCache certificates,
    CertificateTable certificateTable,
    ProbeScheduler probes,
    ProtocolVerdictMetrics verdictMetrics,
    ControlPlaneMetrics metrics,
    IOptions<TranslatorOptions> options,
    IOptions<ProbeSchedulerOptions> probeOptions,
    ILogger<SnapshotPipeline> logger) : BackgroundService
{
    // How long the first probes of the initial sync may take before the heap is compacted anyway.
    private static readonly TimeSpan InitialProbesBound = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan InitialRoundCollectionInterval = TimeSpan.FromMilliseconds(500);

    private TranslationResult? _applied;
    private long _version;

    // After a rejected snapshot the next restamp looks at every endpoint (the prober's change list was spent on it).
    private bool _restampAll;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Each wait outlives a turn the other one won: the store allows one waiter, and a change must not be lost.
        Task<StoreChanges>? storeWait = null;
        Task? verdictWait = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            storeWait ??= store.WaitForChangesAsync(stoppingToken).AsTask();
            verdictWait ??= probes.WaitForVerdictChangeAsync(stoppingToken).AsTask();
            await Task.WhenAny(storeWait, verdictWait).ConfigureAwait(false);
            try
            {
                if (storeWait.IsCompleted)
                {
                    var changes = await storeWait.ConfigureAwait(false);
                    storeWait = null;

                    // Until every kind had its first list, a snapshot would be missing objects: routes would flap to 503/404.
                    if (changes.AllSynced)
                    {
                        await BuildAndApplyAsync(changes, stoppingToken).ConfigureAwait(false);
                    }
                }
                else
                {
                    await verdictWait.ConfigureAwait(false);
                    verdictWait = null;
                    await CollectVerdictsAsync(storeWait, stoppingToken).ConfigureAwait(false);
                    await ApplyVerdictsAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task BuildAndApplyAsync(StoreChanges changes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var version = _version + 1;
        var kind = IncrementalBuild.KindOf(_applied, changes);
        TranslationResult next;
        try
        {
            next = IncrementalBuild.Next(_applied, changes, probes.Current, options.Value, version, certificates);
        }
#pragma warning disable CA1031 // A translator bug must not stop the control plane; the last good snapshot keeps serving.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _version = version;
            LogBuildFailed(exception, version);
            metrics.SnapshotFailed(kind, Stopwatch.GetElapsedTime(started), SnapshotBuildResult.BuildError);
            return;
        }

        // New endpoints get no traffic before their protocol was checked, within a bound: a dead endpoint must not hold
        // back the rest of the change. The initial sync has a bound of its own (InitialVerdictWait, short): a first
        // round of every endpoint of a large cluster must not hold back the whole proxy, and its probes queue behind
        // those of later changes. Targets follow the built snapshot; if the proxy rejects it they are set back to the
        // applied one.
        var initialSync = _applied is null;
        var added = probes.SetTargets(next.Snapshot, ahead: !initialSync);
        var waited = TimeSpan.Zero;
        if (added.Count > 0)
        {
            var bound = _applied is null
                ? TimeSpanMin(probeOptions.Value.InitialVerdictWait, probeOptions.Value.FirstVerdictWait)
                : probeOptions.Value.FirstVerdictWait;
            var waitStarted = Stopwatch.GetTimestamp();
            var allProbed = await probes.WaitForProbesAsync(added, bound, cancellationToken).ConfigureAwait(false);
            if (!allProbed && _applied is null)
            {
                LogInitialVerdictsPending(version, added.Count, bound.TotalMilliseconds);
            }
            else if (!allProbed)
            {
                LogFirstVerdictsLate(version, added.Count, bound.TotalSeconds);
            }

            waited = Stopwatch.GetElapsedTime(waitStarted);
        }

        // Verdicts that arrived since the last restamp (during this build or the wait): only their clusters.
        next = Restamp(next, version);
        await ApplyAsync(next, kind, started, waited, cancellationToken).ConfigureAwait(false);
        if (initialSync && _applied is not null && added.Count > 0)
        {
            // In the background: the pipeline goes on applying changes meanwhile. It catches its own cancellation.
            _ = CompactAfterInitialProbesAsync(added, cancellationToken);
        }
    }

    /// <summary>
    /// The initial sync is a one-off burst of allocation (the lists of the whole cluster, then a first probe of every
    /// endpoint), and the GC keeps the memory the heap grew to for it. Once those first probes are in, one compacting
    /// collection gives it back: at 10,000 Ingresses / 50,000 endpoints 316 → 254 MiB resident (bench/SCALE.md). It
    /// costs one blocking collection per process start.
    /// </summary>
    private async Task CompactAfterInitialProbesAsync(IReadOnlyCollection<ProbeKey> initialTargets, CancellationToken cancellationToken)
    {
        try
        {
            var waiting = probes.WaitForProbesAsync(initialTargets, InitialProbesBound, cancellationToken);
            while (!waiting.IsCompleted)
            {
                await Task.WhenAny(waiting, Task.Delay(InitialRoundCollectionInterval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (!waiting.IsCompleted)
                {
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
                }
            }

            await waiting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var before = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LogCompacted(initialTargets.Count, before / (1024 * 1024), Environment.WorkingSet / (1024 * 1024));
    }

    /// <summary>Waits out the verdict batch window, or less when the store changes meanwhile (its build follows at once).</summary>
    private async Task CollectVerdictsAsync(Task<StoreChanges> storeWait, CancellationToken cancellationToken)
    {
        var window = probeOptions.Value.VerdictBatchWindow;
        if (window <= TimeSpan.Zero || _applied is null)
        {
            return;
        }

        using var windowEnd = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(window, windowEnd.Token);
        await Task.WhenAny(storeWait, delay).ConfigureAwait(false);
        await windowEnd.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task ApplyVerdictsAsync(CancellationToken cancellationToken)
    {
        if (_applied is null)
        {
            return; // the first build reads the verdicts itself
        }

        var started = Stopwatch.GetTimestamp();
        var next = Restamp(_applied, _version + 1);
        if (next.Snapshot.Clusters == _applied.Snapshot.Clusters)
        {
            return; // a stale signal: nothing changed for the applied endpoints
        }

        await ApplyAsync(next, "verdicts", started, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    private TranslationResult Restamp(TranslationResult result, long version)
    {
        var changed = probes.TakeChangedClusters();
        if (_restampAll)
        {
            _restampAll = false;
            return Translator.UpdateVerdicts(result, probes.Current, version);
        }

        return Translator.UpdateVerdicts(result, probes.Current, changed, version);
    }

    private static TimeSpan TimeSpanMin(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private async Task ApplyAsync(TranslationResult next, string kind, long started, TimeSpan waited, CancellationToken cancellationToken)
    {
        var version = next.Snapshot.Version;
        _version = version;
        var applyStarted = Stopwatch.GetTimestamp();
        var result = await proxy.ApplyAsync(next.Snapshot, cancellationToken).ConfigureAwait(false);
        var applied = Stopwatch.GetElapsedTime(applyStarted);
        if (!result.Applied)
        {
            // The prober follows what is served; verdicts restamped into the rejected snapshot only are stamped again.
            probes.SetTargets(_applied?.Snapshot ?? ProxySnapshot.Empty);
            _restampAll = true;
            LogRejected(version, string.Join("; ", result.Errors));
            metrics.SnapshotFailed(kind, Stopwatch.GetElapsedTime(started), SnapshotBuildResult.Rejected);
            return;
        }

        // The table serves new TLS handshakes; connections already open keep the certificate they got. Endpoint and
        // verdict updates reuse the certificates: nothing to redo.
        if (_applied is null || next.Snapshot.Certificates != _applied.Snapshot.Certificates
            || !ReferenceEquals(next.Snapshot.DefaultCertificate, _applied.Snapshot.DefaultCertificate))
        {
            foreach (var problem in certificateTable.Update(next.Snapshot.Certificates, next.Snapshot.DefaultCertificate))
            {
                LogCertificateProblem(problem);
            }
        }

        // Ready as soon as the first snapshot serves (with its certificates); the bookkeeping below does not hold it back.
        if (!readiness.HasSynced)
        {
            readiness.MarkSynced();
        }

        if (_applied is null || next.Snapshot.Diagnostics != _applied.Snapshot.Diagnostics)
        {
            LogNewDiagnostics(_applied?.Snapshot, next.Snapshot);
        }

        _applied = next;
        verdictMetrics.Update(next.Snapshot);
        var snapshot = next.Snapshot;
        metrics.SnapshotApplied(kind, Stopwatch.GetElapsedTime(started), snapshot);

        // The pipeline's own share (translator, probe bookkeeping, metrics) apart from waiting for probes and the proxy.
        var elapsed = Stopwatch.GetElapsedTime(started);
        LogApplied(version, kind, snapshot.Routes.Length, snapshot.Clusters.Length, snapshot.Diagnostics.Length, elapsed.TotalMilliseconds,
            (elapsed - waited - applied).TotalMilliseconds, waited.TotalMilliseconds, applied.TotalMilliseconds);
    }

    private void LogNewDiagnostics(ProxySnapshot? previous, ProxySnapshot next)
    {
        var known = previous is null ? [] : previous.Diagnostics.ToHashSet();
        foreach (var diagnostic in next.Diagnostics)
        {
            if (!known.Contains(diagnostic))
            {
                LogDiagnostic(diagnostic.Severity, diagnostic.Subject.ToString(), diagnostic.Reason, diagnostic.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied snapshot {Version} ({Kind} build): {Routes} routes, {Clusters} clusters, {Diagnostics} diagnostics in {ElapsedMs:F1} ms (pipeline {PipelineMs:F1} ms, first-verdict wait {WaitMs:F1} ms, proxy apply {ApplyMs:F1} ms)")]
    private partial void LogApplied(long version, string kind, int routes, int clusters, int diagnostics, double elapsedMs, double pipelineMs, double waitMs, double applyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Initial sync over ({Endpoints} endpoints probed once): compacted the heap, resident memory {BeforeMiB} MiB -> {AfterMiB} MiB")]
    private partial void LogCompacted(int endpoints, long beforeMiB, long afterMiB);

    [LoggerMessage(Level = LogLevel.Error, Message = "Snapshot {Version} was rejected by the proxy; the previous one keeps serving: {Errors}")]
    private partial void LogRejected(long version, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "Building snapshot {Version} failed; the previous one keeps serving")]
    private partial void LogBuildFailed(Exception exception, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot {Version}: {Count} new endpoints were not all probed within {Seconds} s; they get traffic with the verdicts known so far")]
    private partial void LogFirstVerdictsLate(long version, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot {Version} (initial sync): {Count} endpoints, not all probed within {Milliseconds} ms; those not probed yet serve as Unproven and their verdicts are applied as they arrive")]
    private partial void LogInitialVerdictsPending(long version, int count, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS certificate not served: {Problem}")]
    private partial void LogCertificateProblem(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Severity} {Subject}: {Reason}: {Message}")]
    private partial void LogDiagnostic(DiagnosticSeverity severity, string subject, string reason, string message);
}
