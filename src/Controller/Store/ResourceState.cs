using System.Collections.Immutable;
using k8s.Models;

namespace Plexus.Controller.Store;

/// <summary>
/// A consistent, immutable view of every object the translator reads. The store produces a new one per change
/// (immutable dictionaries share structure, so that costs what changed); the translator only reads it.
/// The Kubernetes model classes are mutable: nobody may modify an object once it is in a state.
/// </summary>
public sealed record ResourceState(
    ImmutableDictionary<ObjectKey, V1Ingress> Ingresses,
    ImmutableDictionary<ObjectKey, V1IngressClass> IngressClasses,
    ImmutableDictionary<ObjectKey, V1Service> Services,
    ImmutableDictionary<ObjectKey, V1EndpointSlice> EndpointSlices,
    ImmutableDictionary<ObjectKey, V1Secret> Secrets,
    ImmutableDictionary<ObjectKey, PodProbes> Pods)
{
    public static ResourceState Empty { get; } = new(
        ImmutableDictionary<ObjectKey, V1Ingress>.Empty,
        ImmutableDictionary<ObjectKey, V1IngressClass>.Empty,
        ImmutableDictionary<ObjectKey, V1Service>.Empty,
        ImmutableDictionary<ObjectKey, V1EndpointSlice>.Empty,
        ImmutableDictionary<ObjectKey, V1Secret>.Empty,
        ImmutableDictionary<ObjectKey, PodProbes>.Empty);
}
