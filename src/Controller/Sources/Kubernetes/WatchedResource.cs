using k8s;
using k8s.Models;
using Plexus.Controller.Store;

namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>One page of a list response.</summary>
internal readonly record struct ListPage<T>(IList<T> Items, string ResourceVersion, string? Continue);

/// <summary>How one kind is listed and watched through the KubernetesClient, already scoped (namespace, field selector).</summary>
/// <param name="Kind">The kind.</param>
/// <param name="List">Lists one page: (continue token, limit) → page.</param>
/// <param name="Watch">Watches from a resourceVersion with bookmarks: (resourceVersion, timeoutSeconds, onError) → events.</param>
internal sealed record WatchedResource<T>(
    ResourceKind Kind,
    Func<string?, int?, CancellationToken, Task<ListPage<T>>> List,
    Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> Watch)
    where T : IKubernetesObject<V1ObjectMeta>;

/// <summary>The six kinds Plexus reads, as list/watch calls on the real client.</summary>
internal static class WatchedResources
{
    /// <summary>
    /// Secrets of the types that can hold a certificate (kubernetes.io/tls, Opaque, custom types) are read; the store
    /// keeps only their tls.crt/tls.key entries. The types that never do, and are the largest or most sensitive
    /// (Helm releases, service-account and bootstrap tokens, registry credentials), are not even sent.
    /// </summary>
    public const string SecretFieldSelector =
        "type!=helm.sh/release.v1,type!=kubernetes.io/service-account-token,type!=bootstrap.kubernetes.io/token,"
        + "type!=kubernetes.io/dockerconfigjson,type!=kubernetes.io/dockercfg";

    public static WatchedResource<V1Ingress> Ingresses(IKubernetes client, string? ns) => new(
        ResourceKind.Ingress,
        async (cont, limit, ct) => Page(ns is null
            ? await client.NetworkingV1.ListIngressForAllNamespacesAsync(continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)
            : await client.NetworkingV1.ListNamespacedIngressAsync(ns, continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
        (rv, timeout, onError, ct) => ns is null
            ? client.NetworkingV1.WatchListIngressForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.NetworkingV1.WatchListNamespacedIngressAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    public static WatchedResource<V1IngressClass> IngressClasses(IKubernetes client) => new(
        ResourceKind.IngressClass,
        async (cont, limit, ct) => Page(await client.NetworkingV1.ListIngressClassAsync(continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
        (rv, timeout, onError, ct) => client.NetworkingV1.WatchListIngressClassAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    public static WatchedResource<V1Service> Services(IKubernetes client, string? ns) => new(
        ResourceKind.Service,
        async (cont, limit, ct) => Page(ns is null
            ? await client.CoreV1.ListServiceForAllNamespacesAsync(continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)
            : await client.CoreV1.ListNamespacedServiceAsync(ns, continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
        (rv, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedServiceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    public static WatchedResource<V1EndpointSlice> EndpointSlices(IKubernetes client, string? ns) => new(
        ResourceKind.EndpointSlice,
        async (cont, limit, ct) => Page(ns is null
            ? await client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)
            : await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
        (rv, timeout, onError, ct) => ns is null
            ? client.DiscoveryV1.WatchListEndpointSliceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    public static WatchedResource<V1Secret> Secrets(IKubernetes client, string? ns) => new(
        ResourceKind.Secret,
        async (cont, limit, ct) => Page(ns is null
            ? await client.CoreV1.ListSecretForAllNamespacesAsync(continueParameter: cont, fieldSelector: SecretFieldSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false)
            : await client.CoreV1.ListNamespacedSecretAsync(ns, continueParameter: cont, fieldSelector: SecretFieldSelector, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
        (rv, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListSecretForAllNamespacesAsync(allowWatchBookmarks: true, fieldSelector: SecretFieldSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedSecretAsync(ns, allowWatchBookmarks: true, fieldSelector: SecretFieldSelector, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    public static WatchedResource<V1Pod> Pods(IKubernetes client, string? ns) => new(
        ResourceKind.Pod,
        async (cont, limit, ct) => Page(ns is null
            ? await client.CoreV1.ListPodForAllNamespacesAsync(continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)
            : await client.CoreV1.ListNamespacedPodAsync(ns, continueParameter: cont, limit: limit, cancellationToken: ct).ConfigureAwait(false)),
        (rv, timeout, onError, ct) => ns is null
            ? client.CoreV1.WatchListPodForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct)
            : client.CoreV1.WatchListNamespacedPodAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: timeout, onError: onError, cancellationToken: ct));

    private static ListPage<T> Page<T>(IItems<T> list) where T : IKubernetesObject<V1ObjectMeta>
    {
        var meta = ((IMetadata<V1ListMeta>)list).Metadata;
        return new ListPage<T>(list.Items ?? [], meta?.ResourceVersion ?? "", meta?.ContinueProperty);
    }
}
