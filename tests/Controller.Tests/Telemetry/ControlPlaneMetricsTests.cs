using System.Collections.Immutable;
using Microsoft.Extensions.Time.Testing;
using Plexus.Controller.Telemetry;
using Plexus.Proxy.Model;
using Plexus.Testing;
using Prometheus;

namespace Plexus.Controller.Tests.Telemetry;

public sealed class ControlPlaneMetricsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly ControlPlaneMetrics _metrics;

    public ControlPlaneMetricsTests() => _metrics = new ControlPlaneMetrics(Metrics.WithCustomRegistry(_registry), _time);

    [Fact]
    public async Task An_applied_snapshot_counts_a_success_and_publishes_diagnostics_and_certificate_expiry()
    {
        using var shop = TestCertificates.CreateSelfSigned("shop.test");
        using var wildcard = TestCertificates.CreateSelfSigned("*.apps.test");
        var snapshot = Snapshot(
            [Certificate(shop, "shop.test"), Certificate(wildcard, "*.apps.test")],
            [Diagnostic("ServiceNotFound"), Diagnostic("ServiceNotFound"), Diagnostic("InvalidPath")]);

        _metrics.SnapshotApplied("full", TimeSpan.FromMilliseconds(40), snapshot);
        var text = await ScrapeAsync();

        Assert.Equal(1, text.Value("plexus_snapshot_builds_total", ("kind", "full"), ("result", "success")));
        Assert.Equal(1, text.Value("plexus_snapshot_build_duration_seconds_count", ("kind", "full")));
        Assert.Equal(0.04, text.Value("plexus_snapshot_build_duration_seconds_sum", ("kind", "full"))!.Value, 6);
        Assert.Equal(Start.ToUnixTimeSeconds(), text.Value("plexus_snapshot_last_success_timestamp_seconds"));
        Assert.Equal(0, text.Value("plexus_snapshot_last_failure_timestamp_seconds"));
        Assert.Equal(2, text.Value("plexus_diagnostics", ("reason", "ServiceNotFound")));
        Assert.Equal(1, text.Value("plexus_diagnostics", ("reason", "InvalidPath")));
        Assert.Equal(new DateTimeOffset(shop.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(), text.Value("plexus_tls_certificate_expiry_timestamp_seconds", ("host", "shop.test")));
        Assert.Equal(new DateTimeOffset(wildcard.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(), text.Value("plexus_tls_certificate_expiry_timestamp_seconds", ("host", "*.apps.test")));
    }

    [Fact]
    public async Task A_later_snapshot_resolves_diagnostics_to_zero_and_drops_hosts_no_longer_served()
    {
        using var shop = TestCertificates.CreateSelfSigned("shop.test");
        using var other = TestCertificates.CreateSelfSigned("other.test");
        _metrics.SnapshotApplied("full", TimeSpan.FromMilliseconds(5), Snapshot([Certificate(shop, "shop.test"), Certificate(other, "other.test")], [Diagnostic("ServiceNotFound")]));
        _time.Advance(TimeSpan.FromSeconds(30));

        _metrics.SnapshotApplied("endpoints", TimeSpan.FromMilliseconds(1), Snapshot([Certificate(other, "other.test")], []));
        var text = await ScrapeAsync();

        Assert.Equal(1, text.Value("plexus_snapshot_builds_total", ("kind", "endpoints"), ("result", "success")));
        Assert.Equal(Start.ToUnixTimeSeconds() + 30, text.Value("plexus_snapshot_last_success_timestamp_seconds"));
        Assert.Equal(0, text.Value("plexus_diagnostics", ("reason", "ServiceNotFound")));
        Assert.Null(text.Value("plexus_tls_certificate_expiry_timestamp_seconds", ("host", "shop.test")));
        Assert.NotNull(text.Value("plexus_tls_certificate_expiry_timestamp_seconds", ("host", "other.test")));
    }

    [Fact]
    public async Task The_first_certificate_naming_a_host_is_the_one_reported()
    {
        using var first = TestCertificates.CreateSelfSigned("shop.test");
        using var second = TestCertificates.CreateSelfSigned("shop.test");

        _metrics.SnapshotApplied("full", TimeSpan.Zero, Snapshot([Certificate(first, "shop.test"), Certificate(second, "SHOP.test")], []));
        var text = await ScrapeAsync();

        Assert.Single(text.Named("plexus_tls_certificate_expiry_timestamp_seconds"));
        Assert.Equal(new DateTimeOffset(first.NotAfter.ToUniversalTime()).ToUnixTimeSeconds(), text.Value("plexus_tls_certificate_expiry_timestamp_seconds", ("host", "shop.test")));
    }

    [Theory]
    [InlineData(SnapshotBuildResult.BuildError, "build-error")]
    [InlineData(SnapshotBuildResult.Rejected, "rejected")]
    public async Task A_failed_build_counts_its_result_and_the_failure_time_and_keeps_the_applied_figures(SnapshotBuildResult result, string label)
    {
        _metrics.SnapshotApplied("full", TimeSpan.Zero, Snapshot([], [Diagnostic("ServiceNotFound")]));
        _time.Advance(TimeSpan.FromSeconds(7));

        _metrics.SnapshotFailed("full", TimeSpan.FromMilliseconds(3), result);
        var text = await ScrapeAsync();

        Assert.Equal(1, text.Value("plexus_snapshot_builds_total", ("kind", "full"), ("result", label)));
        Assert.Equal(1, text.Value("plexus_snapshot_builds_total", ("kind", "full"), ("result", "success")));
        Assert.Equal(2, text.Value("plexus_snapshot_build_duration_seconds_count", ("kind", "full")));
        Assert.Equal(Start.ToUnixTimeSeconds() + 7, text.Value("plexus_snapshot_last_failure_timestamp_seconds"));
        Assert.Equal(Start.ToUnixTimeSeconds(), text.Value("plexus_snapshot_last_success_timestamp_seconds"));
        Assert.Equal(1, text.Value("plexus_diagnostics", ("reason", "ServiceNotFound")));
    }

    [Fact]
    public void A_failure_must_name_a_failure_result() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _metrics.SnapshotFailed("full", TimeSpan.Zero, SnapshotBuildResult.Success));

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(stream);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static ProxySnapshot Snapshot(ImmutableArray<HostCertificate> certificates, ImmutableArray<Diagnostic> diagnostics) =>
        new(1, [], [], certificates, diagnostics);

    private static HostCertificate Certificate(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, string host) =>
        new([host], certificate, "secret/store/tls");

    private static Diagnostic Diagnostic(string reason) =>
        new(DiagnosticSeverity.Warning, new ObjectRef("Ingress", "store", "shop"), reason, "something is wrong");
}
