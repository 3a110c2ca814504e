using System.Collections.Immutable;

namespace Plexus.Controller.Store;

/// <summary>What changed in the store since the previous consumer read, together with the state after the changes.</summary>
/// <param name="State">The current state; the consumer builds from it.</param>
/// <param name="ChangedKinds">Kinds with at least one added, modified or removed object, or that became synced.</param>
/// <param name="EndpointServices">
/// Services (by key) whose EndpointSlices (label <c>kubernetes.io/service-name</c>) or whose Pods (referenced by
/// those slices) changed.
/// </param>
/// <param name="AllSynced">Whether every expected kind has had its initial list.</param>
public sealed record StoreChanges(
    ResourceState State,
    ImmutableHashSet<ResourceKind> ChangedKinds,
    ImmutableHashSet<ObjectKey> EndpointServices,
    bool AllSynced)
{
    /// <summary>
    /// True when only EndpointSlices and/or Pods changed: routes, certificates and protocols are unaffected, so
    /// the caller may update the endpoints of <see cref="EndpointServices"/> instead of rebuilding everything.
    /// </summary>
    /// <summary>
    /// The keys of the EndpointSlices of each of <see cref="EndpointServices"/> in <see cref="State"/>, as the store
    /// indexes them (label <c>kubernetes.io/service-name</c>), so that an endpoint update does not scan every slice.
    /// Null when the producer does not index them.
    /// </summary>
    public ImmutableDictionary<ObjectKey, ImmutableArray<ObjectKey>>? EndpointSliceKeys { get; init; }

    public bool IsEndpointOnly =>
        !ChangedKinds.IsEmpty && ChangedKinds.All(static k => k is ResourceKind.EndpointSlice or ResourceKind.Pod);
}
