using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Store;
using Plexus.Controller.Telemetry;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Controller.Tests.Sources.Kubernetes;
using Plexus.Testing;
using Prometheus;

namespace Plexus.Controller.Tests.Telemetry;

public sealed class WatchMetricsTests
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly WatchMetrics _metrics;

    public WatchMetricsTests() => _metrics = new WatchMetrics(Metrics.WithCustomRegistry(_registry));

    [Fact]
    public async Task Events_restarts_and_lists_are_counted_per_resource()
    {
        _metrics.OnList(ResourceKind.EndpointSlice, 12);
        _metrics.OnEvent(ResourceKind.EndpointSlice, WatchEventType.Added);
        _metrics.OnEvent(ResourceKind.EndpointSlice, WatchEventType.Modified);
        _metrics.OnEvent(ResourceKind.EndpointSlice, WatchEventType.Modified);
        _metrics.OnEvent(ResourceKind.Ingress, WatchEventType.Bookmark);
        _metrics.OnRestart(ResourceKind.Ingress, WatchRestartReason.Gone, TimeSpan.Zero);
        _metrics.OnRestart(ResourceKind.Ingress, WatchRestartReason.Gone, TimeSpan.Zero);
        _metrics.OnRestart(ResourceKind.Secret, WatchRestartReason.WatchFailed, TimeSpan.FromSeconds(1));

        var text = await ScrapeAsync();

        Assert.Equal(1, text.Value("plexus_watch_events_total", ("resource", "endpointslices"), ("type", "added")));
        Assert.Equal(2, text.Value("plexus_watch_events_total", ("resource", "endpointslices"), ("type", "modified")));
        Assert.Equal(1, text.Value("plexus_watch_events_total", ("resource", "ingresses"), ("type", "bookmark")));
        Assert.Equal(2, text.Value("plexus_watch_restarts_total", ("resource", "ingresses"), ("reason", "gone")));
        Assert.Equal(1, text.Value("plexus_watch_restarts_total", ("resource", "secrets"), ("reason", "watch-failed")));
        Assert.Equal(1, text.Value("plexus_watch_lists_total", ("resource", "endpointslices")));
        Assert.Equal(12, text.Value("plexus_watch_listed_objects", ("resource", "endpointslices")));
    }

    [Fact]
    public async Task A_kubernetes_source_reports_its_lists_and_events_through_the_observer()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Create(Objects.Service("default", "web"));
        using var client = api.CreateClient();
        var sink = new RecordingSink();
        var options = new KubernetesSourceOptions { WatchTimeout = TimeSpan.FromMinutes(5), WatchIdleTimeout = TimeSpan.FromMinutes(6) };
        var source = new KubernetesSource(client, sink, Microsoft.Extensions.Options.Options.Create(options), NullLoggerFactory.Instance, _metrics);
        using var stop = new CancellationTokenSource();
        var run = source.RunAsync(stop.Token);
        try
        {
            await Eventually.UntilAsync(async () => (await ScrapeAsync()).Named("plexus_watch_lists_total").Count() == ResourceKinds.All.Count, because: "every kind listed");
            await Eventually.UntilAsync(() => SourceHarness.SourceResources.All(r => api.OpenWatches(r) > 0), because: "every kind watched");
            var listed = await ScrapeAsync();
            Assert.Equal(1, listed.Value("plexus_watch_listed_objects", ("resource", "services")));

            api.Create(Objects.Service("default", "api"));

            await Eventually.UntilAsync(
                async () => (await ScrapeAsync()).Value("plexus_watch_events_total", ("resource", "services"), ("type", "added")) == 1,
                because: "the ADDED event is counted");
        }
        finally
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run).WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var stream = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(stream);
        return PrometheusText.Parse(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
