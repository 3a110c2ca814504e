using System.Collections.Immutable;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace Plexus.Controller.Store;

/// <summary>
/// The typed cache between the sources and the translator. Sources write through <see cref="IResourceSink"/>;
/// every effective change publishes a new immutable <see cref="ResourceState"/> (structure shared with the
/// previous one) and is remembered until the consumer takes it with <see cref="WaitForChangesAsync"/> or
/// <see cref="TakeChanges"/>. Thread-safe for any number of writers; meant for a single consumer.
/// </summary>
public sealed class ResourceStore : IResourceSink
{
    /// <summary>The label that ties an EndpointSlice to its Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <summary>kubectl's copy of the last applied object; dropped on the way in.</summary>
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private static readonly Table<V1Ingress> Ingresses = new(ResourceKind.Ingress, s => s.Ingresses, (s, d) => s with { Ingresses = d }, SameVersion);
    private static readonly Table<V1IngressClass> IngressClasses = new(ResourceKind.IngressClass, s => s.IngressClasses, (s, d) => s with { IngressClasses = d }, SameVersion);
    private static readonly Table<V1Service> Services = new(ResourceKind.Service, s => s.Services, (s, d) => s with { Services = d }, SameVersion);
    private static readonly Table<V1EndpointSlice> EndpointSlices = new(ResourceKind.EndpointSlice, s => s.EndpointSlices, (s, d) => s with { EndpointSlices = d }, SameVersion);
    private static readonly Table<V1Secret> Secrets = new(ResourceKind.Secret, s => s.Secrets, (s, d) => s with { Secrets = d }, SameVersion);
    private static readonly Table<PodProbes> Pods = new(ResourceKind.Pod, s => s.Pods, (s, d) => s with { Pods = d }, PodProjection.AreSame);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _quietWindow;
    private readonly TimeSpan _maxDelay;
    private readonly HashSet<ResourceKind> _synced = [];
    private readonly HashSet<ResourceKind> _changedKinds = [];
    private readonly HashSet<ObjectKey> _endpointServices = [];

    // Pod -> (EndpointSlice -> Service) for every slice endpoint whose targetRef names the Pod, so that a Pod
    // change can name the Services it affects without scanning all slices.
    private readonly Dictionary<ObjectKey, Dictionary<ObjectKey, ObjectKey>> _servicesByPod = [];

    // Service -> its EndpointSlices in the current state, so that a change hands over the slices of the Services it
    // touched (StoreChanges.EndpointSliceKeys) and an endpoint update never scans all slices.
    private readonly Dictionary<ObjectKey, HashSet<ObjectKey>> _slicesByService = [];

    // Wakes the consumer; one buffered signal is enough because the pending flag is the truth.
    private readonly Channel<bool> _wakeup = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private ResourceState _state = ResourceState.Empty;
    private bool _pending;
    private long _firstPendingTimestamp;
    private long _lastPendingTimestamp;

    public ResourceStore(IOptions<ResourceStoreOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        if (value.QuietWindow < TimeSpan.Zero || value.MaxDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("QuietWindow and MaxDelay must not be negative.", nameof(options));
        }

        _quietWindow = value.QuietWindow;
        _maxDelay = value.MaxDelay;
        ExpectedKinds = value.ExpectedKinds is null ? [.. ResourceKinds.All] : [.. value.ExpectedKinds];
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The latest state. Safe to read from any thread at any time.</summary>
    public ResourceState Current => Volatile.Read(ref _state);

    /// <summary>The kinds that must be synced before <see cref="AllSynced"/> is true.</summary>
    public ImmutableHashSet<ResourceKind> ExpectedKinds { get; }

    /// <summary>True when every expected kind has had a <see cref="ReplaceAll"/> (its initial list).</summary>
    public bool AllSynced
    {
        get
        {
            lock (_gate)
            {
                return AllSyncedLocked();
            }
        }
    }

    /// <summary>True when changes happened that the consumer has not taken yet.</summary>
    public bool HasPendingChanges
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    public bool IsSynced(ResourceKind kind)
    {
        lock (_gate)
        {
            return _synced.Contains(kind);
        }
    }

    public void Upsert(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        Trim(obj);
        var kind = ResourceKinds.Of(obj);
        var key = ResourceKinds.KeyOf(kind, obj.Metadata);
        switch (obj)
        {
            case V1Pod pod:
                // Projected outside the lock: it is pure and the whole Pod must not outlive this call.
                var probes = PodProjection.Project(pod);
                lock (_gate)
                {
                    SetOne(Pods, key, probes);
                }

                break;
            case V1Secret secret:
                // Projected outside the lock: only the certificate entries of a Secret are ever kept.
                var projected = SecretProjection.Project(secret);
                lock (_gate)
                {
                    SetOne(Secrets, key, projected);
                }

                break;
            default:
                lock (_gate)
                {
                    switch (obj)
                    {
                        case V1Ingress o: SetOne(Ingresses, key, o); break;
                        case V1IngressClass o: SetOne(IngressClasses, key, o); break;
                        case V1Service o: SetOne(Services, key, o); break;
                        case V1EndpointSlice o: SetOne(EndpointSlices, key, o); break;
                    }
                }

                break;
        }
    }

    public void Delete(ResourceKind kind, ObjectKey key)
    {
        if (key.Namespace.Length == 0 && ResourceKinds.IsNamespaced(kind))
        {
            // Same defaulting as for keys of upserted objects.
            key = key with { Namespace = ResourceKinds.DefaultNamespace };
        }

        lock (_gate)
        {
            switch (kind)
            {
                case ResourceKind.Ingress: RemoveOne(Ingresses, key); break;
                case ResourceKind.IngressClass: RemoveOne(IngressClasses, key); break;
                case ResourceKind.Service: RemoveOne(Services, key); break;
                case ResourceKind.EndpointSlice: RemoveOne(EndpointSlices, key); break;
                case ResourceKind.Secret: RemoveOne(Secrets, key); break;
                case ResourceKind.Pod: RemoveOne(Pods, key); break;
                default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown resource kind.");
            }
        }
    }

    public void ReplaceAll(ResourceKind kind, IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        switch (kind)
        {
            case ResourceKind.Ingress: Replace(Ingresses, Collect<V1Ingress>(kind, objects)); break;
            case ResourceKind.IngressClass: Replace(IngressClasses, Collect<V1IngressClass>(kind, objects)); break;
            case ResourceKind.Service: Replace(Services, Collect<V1Service>(kind, objects)); break;
            case ResourceKind.EndpointSlice: Replace(EndpointSlices, Collect<V1EndpointSlice>(kind, objects)); break;
            case ResourceKind.Secret: Replace(Secrets, Collect<V1Secret>(kind, objects).Select(e => (e.Key, SecretProjection.Project(e.Value))).ToList()); break;
            case ResourceKind.Pod:
                Replace(Pods, Collect<V1Pod>(kind, objects).Select(e => (e.Key, PodProjection.Project(e.Value))).ToList());
                break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown resource kind.");
        }
    }

    /// <summary>Takes the changes accumulated since the previous read, without waiting.</summary>
    public StoreChanges TakeChanges()
    {
        lock (_gate)
        {
            return TakeChangesLocked();
        }
    }

    /// <summary>
    /// Returns once changes are pending and their burst is over: no event for
    /// <see cref="ResourceStoreOptions.QuietWindow"/>, or <see cref="ResourceStoreOptions.MaxDelay"/> after the first
    /// event of a burst that does not stop. One consumer at a time.
    /// </summary>
    public async ValueTask<StoreChanges> WaitForChangesAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_gate)
            {
                if (!_pending)
                {
                    wait = Timeout.InfiniteTimeSpan;
                }
                else
                {
                    var now = _time.GetTimestamp();
                    var untilQuiet = _quietWindow - _time.GetElapsedTime(_lastPendingTimestamp, now);
                    var untilMax = _maxDelay - _time.GetElapsedTime(_firstPendingTimestamp, now);
                    wait = untilQuiet < untilMax ? untilQuiet : untilMax;
                    if (wait <= TimeSpan.Zero)
                    {
                        return TakeChangesLocked();
                    }
                }
            }

            // ConfigureAwait(false): the loop must not depend on the caller's context (a timer firing resumes it
            // right there, which also keeps tests on a fake clock deterministic).
            if (wait == Timeout.InfiniteTimeSpan)
            {
                // A stale signal only costs one more turn of the loop.
                await _wakeup.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Events during the wait only move the quiet deadline later; it is re-evaluated on waking.
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Drops what nothing in Plexus reads but every object carries from the API server: <c>managedFields</c> (often the
    /// largest part of an object) and kubectl's last-applied copy of the whole object. At tens of thousands of objects
    /// they are most of the store's memory. The object is the store's from here on (sources hand over fresh objects).
    /// </summary>
    private static void Trim(IKubernetesObject<V1ObjectMeta> obj)
    {
        if (obj.Metadata is not { } metadata)
        {
            return;
        }

        metadata.ManagedFields = null;
        if (metadata.Annotations is { } annotations && annotations.ContainsKey(LastAppliedAnnotation))
        {
            // A copy: the dictionary handed in may be read-only.
            metadata.Annotations = annotations.Where(a => a.Key != LastAppliedAnnotation).ToDictionary(StringComparer.Ordinal);
        }
    }

    private static bool SameVersion<T>(T a, T b)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        var version = a.Metadata?.ResourceVersion;
        return !string.IsNullOrEmpty(version) && string.Equals(version, b.Metadata?.ResourceVersion, StringComparison.Ordinal);
    }

    private static List<(ObjectKey Key, T Value)> Collect<T>(ResourceKind kind, IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var result = new List<(ObjectKey, T)>();
        foreach (var obj in objects)
        {
            if (obj is not T typed)
            {
                throw new ArgumentException($"ReplaceAll({kind}) got a {obj?.GetType().Name ?? "null"}.", nameof(objects));
            }

            Trim(typed);
            result.Add((ResourceKinds.KeyOf(kind, typed.Metadata), typed));
        }

        return result;
    }

    private static ObjectKey? ServiceOf(V1EndpointSlice slice, ObjectKey sliceKey) =>
        slice.Metadata?.Labels is { } labels && labels.TryGetValue(ServiceNameLabel, out var service) && !string.IsNullOrEmpty(service)
            ? new ObjectKey(sliceKey.Namespace, service)
            : null;

    private bool AllSyncedLocked() => ExpectedKinds.All(_synced.Contains);

    private StoreChanges TakeChangesLocked()
    {
        var sliceKeys = ImmutableDictionary.CreateBuilder<ObjectKey, ImmutableArray<ObjectKey>>();
        foreach (var service in _endpointServices)
        {
            sliceKeys[service] = _slicesByService.TryGetValue(service, out var slices) ? [.. slices] : [];
        }

        var changes = new StoreChanges(_state, [.. _changedKinds], [.. _endpointServices], AllSyncedLocked())
        {
            EndpointSliceKeys = sliceKeys.ToImmutable(),
        };
        _changedKinds.Clear();
        _endpointServices.Clear();
        _pending = false;
        return changes;
    }

    private void Replace<T>(Table<T> table, List<(ObjectKey Key, T Value)> items)
        where T : class
    {
        lock (_gate)
        {
            var current = table.Get(_state);
            var builder = current.ToBuilder();
            var listed = new HashSet<ObjectKey>(items.Count);
            var changed = false;
            foreach (var (key, value) in items)
            {
                listed.Add(key);
                if (builder.TryGetValue(key, out var old) && table.Same(old, value))
                {
                    continue;
                }

                builder[key] = value;
                changed = true;
                OnChanged(table.Kind, key, old, value);
            }

            foreach (var (key, old) in current)
            {
                if (!listed.Contains(key))
                {
                    builder.Remove(key);
                    changed = true;
                    OnChanged(table.Kind, key, old, null);
                }
            }

            if (changed)
            {
                Volatile.Write(ref _state, table.With(_state, builder.ToImmutable()));
            }

            if (_synced.Add(table.Kind))
            {
                // Becoming synced is news for a consumer waiting for AllSynced, even with nothing listed.
                _changedKinds.Add(table.Kind);
                MarkPending();
            }
        }
    }

    private void SetOne<T>(Table<T> table, ObjectKey key, T value)
        where T : class
    {
        var dictionary = table.Get(_state);
        if (dictionary.TryGetValue(key, out var old) && table.Same(old, value))
        {
            return;
        }

        Volatile.Write(ref _state, table.With(_state, dictionary.SetItem(key, value)));
        OnChanged(table.Kind, key, old, value);
    }

    private void RemoveOne<T>(Table<T> table, ObjectKey key)
        where T : class
    {
        var dictionary = table.Get(_state);
        if (!dictionary.TryGetValue(key, out var old))
        {
            return;
        }

        Volatile.Write(ref _state, table.With(_state, dictionary.Remove(key)));
        OnChanged(table.Kind, key, old, null);
    }

    private void OnChanged(ResourceKind kind, ObjectKey key, object? old, object? current)
    {
        _changedKinds.Add(kind);
        switch (kind)
        {
            case ResourceKind.EndpointSlice:
                if (old is V1EndpointSlice oldSlice)
                {
                    IndexSlice(key, oldSlice, add: false);
                }

                if (current is V1EndpointSlice newSlice)
                {
                    IndexSlice(key, newSlice, add: true);
                }

                break;
            case ResourceKind.Pod:
                if (_servicesByPod.TryGetValue(key, out var services))
                {
                    _endpointServices.UnionWith(services.Values);
                }

                break;
        }

        MarkPending();
    }

    private void IndexSlice(ObjectKey sliceKey, V1EndpointSlice slice, bool add)
    {
        if (ServiceOf(slice, sliceKey) is not { } service)
        {
            return;
        }

        _endpointServices.Add(service);
        if (add)
        {
            if (!_slicesByService.TryGetValue(service, out var keys))
            {
                _slicesByService[service] = keys = [];
            }

            keys.Add(sliceKey);
        }
        else if (_slicesByService.TryGetValue(service, out var keys) && keys.Remove(sliceKey) && keys.Count == 0)
        {
            _slicesByService.Remove(service);
        }

        foreach (var endpoint in slice.Endpoints ?? [])
        {
            if (endpoint.TargetRef is not { Kind: "Pod", Name: { Length: > 0 } podName } target)
            {
                continue;
            }

            var podKey = new ObjectKey(string.IsNullOrEmpty(target.NamespaceProperty) ? sliceKey.Namespace : target.NamespaceProperty, podName);
            if (add)
            {
                if (!_servicesByPod.TryGetValue(podKey, out var slices))
                {
                    _servicesByPod[podKey] = slices = [];
                }

                slices[sliceKey] = service;
            }
            else if (_servicesByPod.TryGetValue(podKey, out var slices) && slices.Remove(sliceKey) && slices.Count == 0)
            {
                _servicesByPod.Remove(podKey);
            }
        }
    }

    private void MarkPending()
    {
        var now = _time.GetTimestamp();
        if (!_pending)
        {
            _pending = true;
            _firstPendingTimestamp = now;
        }

        _lastPendingTimestamp = now;
        _wakeup.Writer.TryWrite(true);
    }

    /// <summary>How one kind lives inside <see cref="ResourceState"/>.</summary>
    private sealed record Table<T>(
        ResourceKind Kind,
        Func<ResourceState, ImmutableDictionary<ObjectKey, T>> Get,
        Func<ResourceState, ImmutableDictionary<ObjectKey, T>, ResourceState> With,
        Func<T, T, bool> Same)
        where T : class;
}
