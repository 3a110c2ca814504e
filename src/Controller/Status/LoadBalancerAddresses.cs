using System.Collections.Immutable;
using k8s.Models;

namespace Plexus.Controller.Status;

/// <summary>Comparison and conversion of <c>status.loadBalancer.ingress</c> lists (order and ports do not matter).</summary>
public static class LoadBalancerAddresses
{
    public static bool SameAs(IEnumerable<V1IngressLoadBalancerIngress>? current, ImmutableArray<V1IngressLoadBalancerIngress> desired) =>
        Keys(current).SetEquals(Keys(desired));

    /// <summary>A Service's load-balancer addresses, else its external IPs.</summary>
    public static ImmutableArray<V1IngressLoadBalancerIngress> FromService(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var fromStatus = service.Status?.LoadBalancer?.Ingress;
        if (fromStatus is { Count: > 0 })
        {
            return [.. fromStatus.Select(i => new V1IngressLoadBalancerIngress { Ip = i.Ip, Hostname = i.Hostname })];
        }

        return [.. (service.Spec?.ExternalIPs ?? []).Select(ip => new V1IngressLoadBalancerIngress { Ip = ip })];
    }

    public static string Describe(IEnumerable<V1IngressLoadBalancerIngress>? addresses) =>
        string.Join(',', (addresses ?? []).Select(a => a.Ip ?? a.Hostname));

    private static HashSet<(string?, string?)> Keys(IEnumerable<V1IngressLoadBalancerIngress>? addresses) =>
        [.. (addresses ?? []).Select(a => (string.IsNullOrEmpty(a.Ip) ? null : a.Ip, string.IsNullOrEmpty(a.Hostname) ? null : a.Hostname))];
}
