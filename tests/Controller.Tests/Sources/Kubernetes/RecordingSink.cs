using k8s;
using k8s.Models;
using Plexus.Controller.Store;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

/// <summary>What a source did to the sink: every call in order, plus the resulting set per kind (key → resourceVersion).</summary>
internal sealed class RecordingSink : IResourceSink
{
    private readonly Lock _lock = new();
    private readonly List<SinkCall> _calls = [];
    private readonly Dictionary<ResourceKind, Dictionary<ObjectKey, string>> _state = [];

    public IReadOnlyList<SinkCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public static ResourceKind KindOf(IKubernetesObject<V1ObjectMeta> obj) => obj switch
    {
        V1Ingress => ResourceKind.Ingress,
        V1IngressClass => ResourceKind.IngressClass,
        V1Service => ResourceKind.Service,
        V1EndpointSlice => ResourceKind.EndpointSlice,
        V1Secret => ResourceKind.Secret,
        V1Pod => ResourceKind.Pod,
        _ => throw new ArgumentException($"unexpected object type {obj.GetType().Name}", nameof(obj)),
    };

    public void ReplaceAll(ResourceKind kind, IEnumerable<IKubernetesObject<V1ObjectMeta>> objects)
    {
        lock (_lock)
        {
            var set = new Dictionary<ObjectKey, string>();
            foreach (var obj in objects)
            {
                Assert.Equal(kind, KindOf(obj));
                set[Key(obj)] = obj.Metadata.ResourceVersion;
            }

            _state[kind] = set;
            _calls.Add(new SinkCall(SinkOp.ReplaceAll, kind, default, null, set.Keys.ToHashSet()));
        }
    }

    public void Upsert(IKubernetesObject<V1ObjectMeta> obj)
    {
        lock (_lock)
        {
            var kind = KindOf(obj);
            State(kind)[Key(obj)] = obj.Metadata.ResourceVersion;
            _calls.Add(new SinkCall(SinkOp.Upsert, kind, Key(obj), obj.Metadata.ResourceVersion, null));
        }
    }

    public void Delete(ResourceKind kind, ObjectKey key)
    {
        lock (_lock)
        {
            State(kind).Remove(key);
            _calls.Add(new SinkCall(SinkOp.Delete, kind, key, null, null));
        }
    }

    /// <summary>The current set of a kind; null before its first ReplaceAll.</summary>
    public IReadOnlyDictionary<ObjectKey, string>? Current(ResourceKind kind)
    {
        lock (_lock)
        {
            return _state.TryGetValue(kind, out var set) ? new Dictionary<ObjectKey, string>(set) : null;
        }
    }

    public bool Contains(ResourceKind kind, string ns, string name) => Current(kind)?.ContainsKey(new ObjectKey(ns, name)) == true;

    public int ReplaceAllCount(ResourceKind kind) => Calls.Count(c => c.Op == SinkOp.ReplaceAll && c.Kind == kind);

    private Dictionary<ObjectKey, string> State(ResourceKind kind)
    {
        Assert.True(_state.ContainsKey(kind), $"{kind} received an event before its first list");
        return _state[kind];
    }

    private static ObjectKey Key(IKubernetesObject<V1ObjectMeta> obj) => new(obj.Metadata.NamespaceProperty ?? "", obj.Metadata.Name);
}

internal enum SinkOp
{
    ReplaceAll,
    Upsert,
    Delete,
}

internal sealed record SinkCall(SinkOp Op, ResourceKind Kind, ObjectKey Key, string? ResourceVersion, IReadOnlySet<ObjectKey>? Keys);
