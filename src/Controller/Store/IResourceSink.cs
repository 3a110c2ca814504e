using k8s;
using k8s.Models;

namespace Plexus.Controller.Store;

/// <summary>The kinds Plexus reads.</summary>
public enum ResourceKind
{
    Ingress,
    IngressClass,
    Service,
    EndpointSlice,
    Secret,
    Pod,
}

/// <summary>
/// What sources (Kubernetes watch, manifest folder) write into. Sources never build snapshots themselves;
/// the store turns these calls into a new <see cref="ResourceState"/> and signals the change.
/// </summary>
/// <remarks>Objects handed over become the sink's: it may trim what Plexus never reads (managedFields, last-applied annotation).</remarks>
public interface IResourceSink
{
    /// <summary>After a (re)list: the complete set of objects of <paramref name="kind"/>; objects not in it are removed. Marks the kind synced.</summary>
    void ReplaceAll(ResourceKind kind, IEnumerable<IKubernetesObject<V1ObjectMeta>> objects);

    /// <summary>An added or modified object; the kind follows from its type.</summary>
    void Upsert(IKubernetesObject<V1ObjectMeta> obj);

    /// <summary>A deleted object.</summary>
    void Delete(ResourceKind kind, ObjectKey key);
}
