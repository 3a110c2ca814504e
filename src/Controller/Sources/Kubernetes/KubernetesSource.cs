using k8s;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Controller.Store;

namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>
/// Feeds the store from the Kubernetes API: Ingresses, IngressClasses, Services, EndpointSlices, TLS Secrets and Pods,
/// each listed and then watched, independently of the others. Runs until stopped; API failures are retried forever.
/// </summary>
public sealed class KubernetesSource : BackgroundService
{
    private readonly IKubernetes _client;
    private readonly IResourceSink _sink;
    private readonly IWatchObserver _observer;
    private readonly KubernetesSourceOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;

    public KubernetesSource(
        IKubernetes client,
        IResourceSink sink,
        IOptions<KubernetesSourceOptions> options,
        ILoggerFactory loggerFactory,
        IWatchObserver? observer = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _sink = sink;
        _options = options.Value;
        _options.Validate();
        _loggerFactory = loggerFactory;
        _observer = observer ?? NullWatchObserver.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Lists and watches every kind until <paramref name="cancellationToken"/> is cancelled (then throws <see cref="OperationCanceledException"/>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var ns = _options.EffectiveNamespace;
        var logger = _loggerFactory.CreateLogger<KubernetesSource>();
        logger.LogInformation("Watching Kubernetes resources in {Scope}", ns is null ? "all namespaces" : "namespace " + ns);

        if (_options.WatchIdleTimeout <= _options.WatchTimeout)
        {
            logger.LogWarning("Kubernetes WatchIdleTimeout ({Bound}) is not above WatchTimeout ({Timeout}): quiet watches will be cut and relisted", _options.WatchIdleTimeout, _options.WatchTimeout);
        }

        // One read every controller may make (RBAC grants list on IngressClasses), cheap even in big clusters; without a
        // resourceVersion it is served from storage, so an answer proves that lists work again, not just the front door.
        var health = new KubernetesApiHealth(
            ct => _client.NetworkingV1.ListIngressClassAsync(limit: 1, cancellationToken: ct),
            _options,
            _time,
            _loggerFactory.CreateLogger<KubernetesApiHealth>());

        // The loops run in parallel; the sink sees one call at a time.
        var sink = new SerializedSink(_sink);
        IResourceWatcher[] watchers =
        [
            Create(WatchedResources.Ingresses(_client, ns), sink, health),
            Create(WatchedResources.IngressClasses(_client), sink, health),
            Create(WatchedResources.Services(_client, ns), sink, health),
            Create(WatchedResources.EndpointSlices(_client, ns), sink, health),
            Create(WatchedResources.Secrets(_client, ns), sink, health),
            Create(WatchedResources.Pods(_client, ns), sink, health),
        ];

        await Task.WhenAll(watchers
            .Select(w => Task.Run(() => w.RunAsync(cancellationToken), cancellationToken))
            .Append(Task.Run(() => health.RunAsync(cancellationToken), cancellationToken))).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
    }

    private ResourceWatcher<T> Create<T>(WatchedResource<T> resource, IResourceSink sink, KubernetesApiHealth health)
        where T : IKubernetesObject<V1ObjectMeta>
        => new(resource, sink, _observer, _options, health, _loggerFactory.CreateLogger($"{typeof(KubernetesSource).FullName}.{resource.Kind}"), _time);

    private sealed class SerializedSink(IResourceSink inner) : IResourceSink
    {
        private readonly Lock _lock = new();

        public void ReplaceAll(ResourceKind kind, IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
        {
            lock (_lock)
            {
                inner.ReplaceAll(kind, objects);
            }
        }

        public void Upsert(IKubernetesObject<V1ObjectMeta> obj)
        {
            lock (_lock)
            {
                inner.Upsert(obj);
            }
        }

        public void Delete(ResourceKind kind, ObjectKey key)
        {
            lock (_lock)
            {
                inner.Delete(kind, key);
            }
        }
    }
}
