namespace Plexus.Controller.Tests.Telemetry;

public sealed class SnapshotMetricsWiringTests
{
    [Fact]
    public async Task Snapshot_metrics_after_the_first_build()
    {
        await using var plexus = await PlexusAppHarness.StartAsync();
        var text = await plexus.ScrapeUntilAsync("plexus_snapshot_builds_total", 1, ("kind", "full"), ("result", "success"));
        Assert.True(text.Value("plexus_snapshot_last_success_timestamp_seconds") > 0);
    }
}
