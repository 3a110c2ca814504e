using System.Collections.Immutable;
using k8s.Models;
using Plexus.Controller.Store;

namespace Plexus.Controller.Translation;

/// <summary>
/// EndpointSlices grouped by the Service they belong to (label <c>kubernetes.io/service-name</c>, same namespace),
/// built in one pass so that resolving endpoints never scans all slices per Service. Slices of a Service are
/// ordered by name, which makes de-duplication (first seen wins) deterministic.
/// </summary>
public sealed class EndpointSliceIndex
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    private readonly Dictionary<ObjectKey, List<V1EndpointSlice>> _byService;

    private EndpointSliceIndex(Dictionary<ObjectKey, List<V1EndpointSlice>> byService) => _byService = byService;

    /// <summary>Indexes every slice of <paramref name="slices"/>.</summary>
    public static EndpointSliceIndex Build(IEnumerable<KeyValuePair<ObjectKey, V1EndpointSlice>> slices) => Build(slices, null);

    /// <summary>Indexes only the slices of <paramref name="services"/> (null: all).</summary>
    public static EndpointSliceIndex Build(IEnumerable<KeyValuePair<ObjectKey, V1EndpointSlice>> slices, IReadOnlySet<ObjectKey>? services)
    {
        ArgumentNullException.ThrowIfNull(slices);
        var byService = new Dictionary<ObjectKey, List<V1EndpointSlice>>();
        foreach (var (key, slice) in slices)
        {
            if (slice.Metadata?.Labels is not { } labels || !labels.TryGetValue(ServiceNameLabel, out var service) || string.IsNullOrEmpty(service))
            {
                continue;
            }

            var serviceKey = new ObjectKey(key.Namespace, service);
            if (services is not null && !services.Contains(serviceKey))
            {
                continue;
            }

            if (!byService.TryGetValue(serviceKey, out var list))
            {
                list = [];
                byService.Add(serviceKey, list);
            }

            list.Add(slice);
        }

        foreach (var list in byService.Values)
        {
            list.Sort(static (a, b) => string.CompareOrdinal(a.Metadata?.Name, b.Metadata?.Name));
        }

        return new EndpointSliceIndex(byService);
    }

    /// <summary>
    /// Indexes the slices named by <paramref name="keysByService"/> (the store's own index of each changed Service's
    /// slices): a lookup per slice, no scan of all slices. Keys missing from <paramref name="slices"/> are skipped.
    /// </summary>
    public static EndpointSliceIndex FromKeys(
        IReadOnlyDictionary<ObjectKey, V1EndpointSlice> slices,
        IReadOnlyDictionary<ObjectKey, ImmutableArray<ObjectKey>> keysByService)
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(keysByService);
        var byService = new Dictionary<ObjectKey, List<V1EndpointSlice>>(keysByService.Count);
        foreach (var (service, keys) in keysByService)
        {
            var list = new List<V1EndpointSlice>(keys.Length);
            foreach (var key in keys)
            {
                if (slices.TryGetValue(key, out var slice))
                {
                    list.Add(slice);
                }
            }

            list.Sort(static (a, b) => string.CompareOrdinal(a.Metadata?.Name, b.Metadata?.Name));
            byService[service] = list;
        }

        return new EndpointSliceIndex(byService);
    }

    public IReadOnlyList<V1EndpointSlice> For(ObjectKey service) =>
        _byService.TryGetValue(service, out var list) ? list : ImmutableArray<V1EndpointSlice>.Empty;
}
