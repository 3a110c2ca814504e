using Microsoft.Extensions.Logging;
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
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private Task? _run;

    private SourceHarness(FakeKubernetesApi api, KubernetesSourceOptions options)
    {
        Api = api;
        Options = options;
        _client = api.CreateClient();
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
    }

    public string Logs => _logs.Text;

    public FakeKubernetesApi Api { get; }

    public KubernetesSourceOptions Options { get; }

    public RecordingSink Sink { get; } = new();

    public RecordingObserver Observer { get; } = new();

    public static IReadOnlyList<FakeResource> SourceResources { get; } =
        [FakeResources.Ingresses, FakeResources.IngressClasses, FakeResources.Services, FakeResources.EndpointSlices, FakeResources.Secrets, FakeResources.Pods];

    /// <param name="bookmarkInterval">When set, the fake API sends a bookmark on every open watch this often.</param>
    public static async Task<SourceHarness> CreateAsync(Action<KubernetesSourceOptions>? configure = null, TimeSpan? bookmarkInterval = null)
    {
        var options = new KubernetesSourceOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(200),
            ApiProbeInterval = TimeSpan.FromMilliseconds(50),
            WatchTimeout = TimeSpan.FromMinutes(5),
            WatchIdleTimeout = TimeSpan.FromMinutes(6),
        };
        configure?.Invoke(options);
        return new SourceHarness(await FakeKubernetesApi.StartAsync(bookmarkInterval: bookmarkInterval), options);
    }

    public void Start()
    {
        var source = new KubernetesSource(_client, Sink, Microsoft.Extensions.Options.Options.Create(Options), _loggerFactory, Observer);
        _run = source.RunAsync(_stop.Token);
    }

    /// <summary>Starts the source and waits until every kind is listed and watched.</summary>
    public async Task StartAndSyncAsync()
    {
        Start();
        await Poll.UntilAsync(() => Enum.GetValues<ResourceKind>().All(k => Sink.Current(k) is not null), "every kind listed");
        await Poll.UntilAsync(() => SourceResources.All(r => Api.OpenWatches(r) > 0), "every kind watched");
    }

    public Task WaitForAsync(Func<RecordingSink, bool> condition, string what) => PollAsync(() => condition(Sink), what);

    /// <summary>Like <see cref="Poll.UntilAsync"/>, but a timeout reports what the source and the fake did.</summary>
    public async Task PollAsync(Func<bool> condition, string what)
    {
        try
        {
            await Poll.UntilAsync(condition, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{Describe()}", ex);
        }
    }

    public string Describe()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("restarts:");
        foreach (var (kind, reason, delay) in Observer.Restarts)
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {kind} {reason} {delay}");
        }

        text.AppendLine("requests:");
        foreach (var r in Api.Requests)
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {r.Verb} {r.Resource} ns={r.Namespace} rv={r.ResourceVersion}");
        }

        text.AppendLine("sink:");
        foreach (var c in Sink.Calls)
        {
            text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {c.Op} {c.Kind} {(c.Op == SinkOp.ReplaceAll ? string.Join(",", c.Keys!) : c.Key.ToString())} {c.ResourceVersion}");
        }

        text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"logs:\n{Logs}");
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _run).WaitAsync(TimeSpan.FromSeconds(15));
        }

        _client.Dispose();
        _loggerFactory.Dispose();
        await Api.DisposeAsync();
        _stop.Dispose();
    }
}
