using k8s.Models;

namespace Plexus.Controller.Tests.FakeApi;

/// <summary>A resource type the fake API server serves.</summary>
public sealed record FakeResource(string Group, string Version, string Plural, string Kind, bool Namespaced, Type ClrType)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>The resources the fake serves, with their real paths (/api/v1/... for the core group, /apis/{group}/{version}/... otherwise).</summary>
public static class FakeResources
{
    public static FakeResource Ingresses { get; } = new("networking.k8s.io", "v1", "ingresses", "Ingress", true, typeof(V1Ingress));

    public static FakeResource IngressClasses { get; } = new("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, typeof(V1IngressClass));

    public static FakeResource Services { get; } = new("", "v1", "services", "Service", true, typeof(V1Service));

    public static FakeResource EndpointSlices { get; } = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, typeof(V1EndpointSlice));

    public static FakeResource Secrets { get; } = new("", "v1", "secrets", "Secret", true, typeof(V1Secret));

    public static FakeResource Pods { get; } = new("", "v1", "pods", "Pod", true, typeof(V1Pod));

    public static FakeResource Events { get; } = new("", "v1", "events", "Event", true, typeof(Corev1Event));

    public static FakeResource Leases { get; } = new("coordination.k8s.io", "v1", "leases", "Lease", true, typeof(V1Lease));

    public static IReadOnlyList<FakeResource> All { get; } = [Ingresses, IngressClasses, Services, EndpointSlices, Secrets, Pods, Events, Leases];

    public static FakeResource ForType(Type type) =>
        All.FirstOrDefault(r => r.ClrType == type) ?? throw new ArgumentException($"The fake API server does not serve {type.Name}.", nameof(type));

    public static FakeResource? Find(string group, string version, string plural) =>
        All.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);
}
