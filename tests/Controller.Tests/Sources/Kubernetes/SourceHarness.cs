using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Store;
using Plexus.Controller.Tests.FakeApi;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

/// <summary>A fake API server, a real client and a running <see cref="KubernetesSource"/> feeding a recording sink.</summary>
internal sealed class SourceHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly k8s.Kubernetes _client;
    private Task? _run;

    private SourceHarness(FakeKubernetesApi api, KubernetesSourceOptions options)
    {
        Api = api;
        Options = options;
        _client = api.CreateClient();
    }

    public FakeKubernetesApi Api { get; }

    public KubernetesSourceOptions Options { get; }

    public RecordingSink Sink { get; } = new();

    public RecordingObserver Observer { get; } = new();

    public static IReadOnlyList<FakeResource> SourceResources { get; } =
        [FakeResources.Ingresses, FakeResources.IngressClasses, FakeResources.Services, FakeResources.EndpointSlices, FakeResources.Secrets, FakeResources.Pods];

    public static async Task<SourceHarness> CreateAsync(Action<KubernetesSourceOptions>? configure = null)
    {
        var options = new KubernetesSourceOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
            WatchTimeout = TimeSpan.FromMinutes(5),
            WatchIdleTimeout = TimeSpan.FromMinutes(5),
        };
        configure?.Invoke(options);
        return new SourceHarness(await FakeKubernetesApi.StartAsync(), options);
    }

    public void Start()
    {
        var source = new KubernetesSource(_client, Sink, Microsoft.Extensions.Options.Options.Create(Options), NullLoggerFactory.Instance, Observer);
        _run = source.RunAsync(_stop.Token);
    }

    /// <summary>Starts the source and waits until every kind is listed and watched.</summary>
    public async Task StartAndSyncAsync()
    {
        Start();
        await Poll.UntilAsync(() => Enum.GetValues<ResourceKind>().All(k => Sink.Current(k) is not null), "every kind listed");
        await Poll.UntilAsync(() => SourceResources.All(r => Api.OpenWatches(r) > 0), "every kind watched");
    }

    public Task WaitForAsync(Func<RecordingSink, bool> condition, string what) => Poll.UntilAsync(() => condition(Sink), what);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _run).WaitAsync(TimeSpan.FromSeconds(15));
        }

        _client.Dispose();
        await Api.DisposeAsync();
        _stop.Dispose();
    }
}
