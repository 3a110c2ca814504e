using System.Collections.Immutable;

namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>Which part of the controller makes a call.</summary>
public enum ApiAccessUser
{
    /// <summary><see cref="KubernetesSource"/>: list and watch.</summary>
    Source,

    /// <summary>Ingress status writer (loadBalancer addresses, <c>--publish-service</c>).</summary>
    StatusWriter,

    /// <summary>Kubernetes Events for diagnostics.</summary>
    EventRecorder,

    /// <summary>Leader election through a Lease.</summary>
    LeaderElection,
}

/// <summary>One resource of the Kubernetes API and the verbs the controller uses on it.</summary>
/// <param name="Group">API group; "" is the core group.</param>
/// <param name="Resource">Plural resource name, with "/subresource" where one is used.</param>
/// <param name="Verbs">RBAC verbs.</param>
/// <param name="UsedBy">The part of the controller that needs it.</param>
public sealed record ApiAccess(string Group, string Resource, ImmutableArray<string> Verbs, ApiAccessUser UsedBy);

/// <summary>
/// Every Kubernetes API call the controller makes, in one place, so that the Helm chart's RBAC rules can be checked
/// against it. Add a line here whenever code starts calling a new resource or verb.
/// </summary>
public static class KubernetesApiAccess
{
    public static ImmutableArray<ApiAccess> Required { get; } =
    [
        // Read by KubernetesSource now. Secrets are read only with fieldSelector type=kubernetes.io/tls, but RBAC
        // cannot express a field selector: the rule covers all secrets in scope. The source lists and watches;
        // "get" is granted too (issue 6: get/list/watch on every kind read) so single reads need no RBAC change.
        // While the API seems down, KubernetesApiHealth probes it with a one-item list of IngressClasses.
        new("networking.k8s.io", "ingresses", ["get", "list", "watch"], ApiAccessUser.Source),
        new("networking.k8s.io", "ingressclasses", ["get", "list", "watch"], ApiAccessUser.Source),
        new("", "services", ["get", "list", "watch"], ApiAccessUser.Source),
        new("discovery.k8s.io", "endpointslices", ["get", "list", "watch"], ApiAccessUser.Source),
        new("", "secrets", ["get", "list", "watch"], ApiAccessUser.Source),
        new("", "pods", ["get", "list", "watch"], ApiAccessUser.Source),

        // Writers (leader only). Status: PUT on the status subresource; get re-reads an Ingress after a 409 conflict;
        // services get reads the --publish-service Service (which may lie outside the watched namespace).
        new("networking.k8s.io", "ingresses", ["get"], ApiAccessUser.StatusWriter),
        new("networking.k8s.io", "ingresses/status", ["update"], ApiAccessUser.StatusWriter),
        new("", "services", ["get"], ApiAccessUser.StatusWriter),
        new("", "events", ["create", "patch"], ApiAccessUser.EventRecorder),
        new("coordination.k8s.io", "leases", ["get", "create", "update"], ApiAccessUser.LeaderElection),
    ];
}
