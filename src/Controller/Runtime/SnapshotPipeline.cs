using System.Diagnostics;
using Microsoft.Extensions.Options;
using Plexus.Controller.Store;
using Plexus.Controller.Translation;
using Plexus.Proxy;
using Plexus.Proxy.Listeners;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Runtime;

/// <summary>
/// The one-way loop of the control plane: store changes (coalesced) → pure translator → proxy apply.
/// An endpoint-only change updates the clusters it touches and reuses the routes.
/// </summary>
public sealed partial class SnapshotPipeline(
    ResourceStore store,
    ISnapshotApplier proxy,
    ReadinessState readiness,
    CertificateCache certificates,
    CertificateTable certificateTable,
    IOptions<TranslatorOptions> options,
    ILogger<SnapshotPipeline> logger) : BackgroundService
{
    private TranslationResult? _applied;
    private long _version;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            StoreChanges changes;
            try
            {
                changes = await store.WaitForChangesAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            // Until every kind had its first list, a snapshot would be missing objects: routes would flap to 503/404.
            if (!changes.AllSynced)
            {
                continue;
            }

            await BuildAndApplyAsync(changes, stoppingToken);
        }
    }

    private async Task BuildAndApplyAsync(StoreChanges changes, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var version = ++_version;
        TranslationResult next;
        try
        {
            next = _applied is not null && changes.IsEndpointOnly
                ? Translator.UpdateEndpoints(_applied, changes.State, ProbeResults.Empty, changes.EndpointServices, options.Value, version)
                : Translator.Build(changes.State, ProbeResults.Empty, options.Value, version, certificates);
        }
#pragma warning disable CA1031 // A translator bug must not stop the control plane; the last good snapshot keeps serving.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogBuildFailed(exception, version);
            return;
        }

        var result = await proxy.ApplyAsync(next.Snapshot, cancellationToken);
        if (!result.Applied)
        {
            LogRejected(version, string.Join("; ", result.Errors));
            return;
        }

        // The table serves new TLS handshakes; connections already open keep the certificate they got.
        foreach (var problem in certificateTable.Update(next.Snapshot.Certificates))
        {
            LogCertificateProblem(problem);
        }

        LogNewDiagnostics(_applied?.Snapshot, next.Snapshot);
        _applied = next;
        var snapshot = next.Snapshot;
        LogApplied(version, changes.IsEndpointOnly ? "endpoints" : "full", snapshot.Routes.Length, snapshot.Clusters.Length,
            snapshot.Diagnostics.Length, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (!readiness.HasSynced)
        {
            readiness.MarkSynced();
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied snapshot {Version} ({Kind} build): {Routes} routes, {Clusters} clusters, {Diagnostics} diagnostics in {ElapsedMs:F1} ms")]
    private partial void LogApplied(long version, string kind, int routes, int clusters, int diagnostics, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Snapshot {Version} was rejected by the proxy; the previous one keeps serving: {Errors}")]
    private partial void LogRejected(long version, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "Building snapshot {Version} failed; the previous one keeps serving")]
    private partial void LogBuildFailed(Exception exception, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TLS certificate not served: {Problem}")]
    private partial void LogCertificateProblem(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Severity} {Subject}: {Reason}: {Message}")]
    private partial void LogDiagnostic(DiagnosticSeverity severity, string subject, string reason, string message);
}
