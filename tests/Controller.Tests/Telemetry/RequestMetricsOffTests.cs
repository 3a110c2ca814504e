using System.Net;

namespace Plexus.Controller.Tests.Telemetry;

/// <summary>--request-metrics=false (the benchmark's "off" case): traffic flows, no request series exist.</summary>
public sealed class RequestMetricsOffTests : IAsyncLifetime
{
    private PlexusAppHarness _plexus = null!;

    public async Task InitializeAsync() =>
        _plexus = await PlexusAppHarness.StartAsync(new Dictionary<string, string?> { ["Plexus:RequestMetrics"] = "false" });

    public async Task DisposeAsync() => await _plexus.DisposeAsync();

    [Fact]
    public async Task Requests_are_served_and_leave_no_request_or_connection_series()
    {
        Assert.Equal(HttpStatusCode.OK, (await _plexus.SendAsync(HttpMethod.Get, "web.test", "/")).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await _plexus.SendAsync(HttpMethod.Get, "down.test", "/")).StatusCode);

        var text = await _plexus.ScrapeTextAsync();

        Assert.DoesNotContain("plexus_requests_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("plexus_upstream_failures_total", text, StringComparison.Ordinal);
        Assert.Empty(PrometheusText.Parse(text).Named("plexus_upstream_open_connections"));
        // The rest of /metrics stays.
        Assert.Contains("process_cpu_seconds_total", text, StringComparison.Ordinal);
    }
}
