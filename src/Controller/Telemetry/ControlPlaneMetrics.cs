using System.Collections.Immutable;
using Plexus.Proxy.Model;
using Plexus.Controller.Hosting;
using Prometheus;

namespace Plexus.Controller.Telemetry;

/// <summary>How a snapshot build ended, as the <c>result</c> label of <c>plexus_snapshot_builds_total</c>.</summary>
public enum SnapshotBuildResult
{
    /// <summary>Built and applied.</summary>
    Success,

    /// <summary>The translator threw; the previous snapshot keeps serving.</summary>
    BuildError,

    /// <summary>The proxy refused the snapshot; the previous one keeps serving.</summary>
    Rejected,
}

/// <summary>
/// Control-plane metrics, fed by the snapshot pipeline after every build: build counts and durations, last success and
/// failure times, current diagnostics by reason and the expiry of every served certificate by host.
/// Calls come from the one pipeline loop; they are not meant to run concurrently.
/// </summary>
public sealed class ControlPlaneMetrics
{
    private static readonly double[] BuildBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly TimeProvider _time;
    private readonly Counter _builds;
    private readonly Histogram _buildDuration;
    private readonly Gauge _lastSuccess;
    private readonly Gauge _lastFailure;
    private readonly Gauge _diagnostics;
    private readonly Gauge _certificateExpiry;
    private readonly HashSet<string> _diagnosticReasons = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Gauge.Child> _certificateHosts = new(StringComparer.Ordinal);
    private ImmutableArray<Diagnostic> _countedDiagnostics;
    private ImmutableArray<HostCertificate> _countedCertificates;

    public ControlPlaneMetrics(IMetricFactory metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _builds = metrics.CreateCounter("plexus_snapshot_builds_total", "Snapshot builds by kind (full, endpoints) and result (success, build-error, rejected).", ["kind", "result"]);
        _buildDuration = metrics.CreateHistogram(
            "plexus_snapshot_build_duration_seconds",
            "Time to build and apply a snapshot, by kind.",
            ["kind"],
            new HistogramConfiguration { Buckets = BuildBuckets });
        _lastSuccess = metrics.CreateGauge("plexus_snapshot_last_success_timestamp_seconds", "When a snapshot was last applied (Unix time).");
        _lastFailure = metrics.CreateGauge("plexus_snapshot_last_failure_timestamp_seconds", "When a snapshot build or apply last failed (Unix time).");
        _diagnostics = metrics.CreateGauge("plexus_diagnostics", "Diagnostics in the applied snapshot, by reason.", ["reason"]);
        _certificateExpiry = metrics.CreateGauge(
            "plexus_tls_certificate_expiry_timestamp_seconds",
            "When the certificate served for a host expires (Unix time).",
            ["host"]);
        var build = BuildInfo.Current;
        metrics.CreateGauge("plexus_build_info", "Always 1; the labels say which Plexus runs.", ["version", "commit", "dotnet"])
            .WithLabels(build.Version, build.Commit, build.Dotnet)
            .Set(1);
    }

    /// <summary>A snapshot was built and applied; <paramref name="duration"/> covers both.</summary>
    public void SnapshotApplied(string kind, TimeSpan duration, ProxySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Count(kind, SnapshotBuildResult.Success, duration);
        _lastSuccess.Set(Now());

        // Endpoint and verdict updates reuse both arrays: then there is nothing to recount.
        if (snapshot.Diagnostics != _countedDiagnostics)
        {
            UpdateDiagnostics(snapshot);
            _countedDiagnostics = snapshot.Diagnostics;
        }

        if (snapshot.Certificates != _countedCertificates)
        {
            UpdateCertificates(snapshot);
            _countedCertificates = snapshot.Certificates;
        }
    }

    /// <summary>A build threw or the proxy rejected its snapshot; the applied snapshot's figures stay as they are.</summary>
    public void SnapshotFailed(string kind, TimeSpan duration, SnapshotBuildResult result)
    {
        if (result == SnapshotBuildResult.Success)
        {
            throw new ArgumentOutOfRangeException(nameof(result), result, "A failure needs a failure result.");
        }

        Count(kind, result, duration);
        _lastFailure.Set(Now());
    }

    private void Count(string kind, SnapshotBuildResult result, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        _builds.WithLabels(kind, ResultName(result)).Inc();
        _buildDuration.WithLabels(kind).Observe(duration.TotalSeconds);
    }

    private double Now() => _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private void UpdateDiagnostics(ProxySnapshot snapshot)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var diagnostic in snapshot.Diagnostics)
        {
            counts[diagnostic.Reason] = counts.GetValueOrDefault(diagnostic.Reason) + 1;
        }

        // A reason that went away reads 0 rather than vanishing: alerts see it resolve. Reasons are a fixed, small set.
        foreach (var reason in _diagnosticReasons)
        {
            if (!counts.ContainsKey(reason))
            {
                _diagnostics.WithLabels(reason).Set(0);
            }
        }

        foreach (var (reason, count) in counts)
        {
            _diagnosticReasons.Add(reason);
            _diagnostics.WithLabels(reason).Set(count);
        }
    }

    private void UpdateCertificates(ProxySnapshot snapshot)
    {
        // The first certificate naming a host is the one served (CertificateTable keeps the first).
        var expiries = new Dictionary<string, DateTime>(StringComparer.OrdinalIgnoreCase);
        foreach (var certificate in snapshot.Certificates)
        {
            foreach (var host in certificate.Hosts.IsDefault ? [] : certificate.Hosts)
            {
                expiries.TryAdd(host.Trim().TrimEnd('.').ToLowerInvariant(), certificate.Certificate.NotAfter.ToUniversalTime());
            }
        }

        // A host no longer served has no certificate to expire: its series goes.
        foreach (var host in _certificateHosts.Keys.ToList())
        {
            if (!expiries.ContainsKey(host))
            {
                _certificateHosts[host].Remove();
                _certificateHosts.Remove(host);
            }
        }

        foreach (var (host, notAfter) in expiries)
        {
            if (!_certificateHosts.TryGetValue(host, out var series))
            {
                series = _certificateExpiry.WithLabels(host);
                _certificateHosts[host] = series;
            }

            series.Set(new DateTimeOffset(notAfter, TimeSpan.Zero).ToUnixTimeSeconds());
        }
    }

    private static string ResultName(SnapshotBuildResult result) => result switch
    {
        SnapshotBuildResult.Success => "success",
        SnapshotBuildResult.BuildError => "build-error",
        SnapshotBuildResult.Rejected => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, null),
    };
}
