using k8s;
using k8s.Models;

namespace Plexus.Controller.Store;

/// <summary>Maps model types to <see cref="ResourceKind"/> and objects to their store keys.</summary>
public static class ResourceKinds
{
    /// <summary>Every kind Plexus reads.</summary>
    public static IReadOnlyList<ResourceKind> All { get; } = Enum.GetValues<ResourceKind>();

    /// <summary>Namespace assumed for namespaced objects that name none (as kubectl does).</summary>
    public const string DefaultNamespace = "default";

    public static bool IsNamespaced(ResourceKind kind) => kind != ResourceKind.IngressClass;

    public static ResourceKind Of(IKubernetesObject<V1ObjectMeta> obj) => obj switch
    {
        V1Ingress => ResourceKind.Ingress,
        V1IngressClass => ResourceKind.IngressClass,
        V1Service => ResourceKind.Service,
        V1EndpointSlice => ResourceKind.EndpointSlice,
        V1Secret => ResourceKind.Secret,
        V1Pod => ResourceKind.Pod,
        null => throw new ArgumentNullException(nameof(obj)),
        _ => throw new ArgumentException($"Plexus does not read objects of type {obj.GetType().Name}.", nameof(obj)),
    };

    /// <summary>The key of an object: cluster-scoped kinds have an empty namespace, namespaced ones default to "default".</summary>
    public static ObjectKey KeyOf(ResourceKind kind, V1ObjectMeta? metadata)
    {
        var name = metadata?.Name;
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"A {kind} without metadata.name cannot be stored.", nameof(metadata));
        }

        if (!IsNamespaced(kind))
        {
            return new ObjectKey("", name);
        }

        var ns = metadata!.NamespaceProperty;
        return new ObjectKey(string.IsNullOrEmpty(ns) ? DefaultNamespace : ns, name);
    }
}
