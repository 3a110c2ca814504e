using System.Collections.Immutable;
using k8s.Models;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Turns the EndpointSlices of one Service port into backend endpoints: the slice port is the one carrying the
/// Service port's name ("" for a single unnamed port) and gives the endpoint port; only endpoints that are ready
/// (a missing condition counts as ready, as the API documents) and not terminating; IPv4 and IPv6 addresses
/// only (FQDN slices are skipped); identical address:port pairs once. Sorted by host, then port. Each endpoint
/// carries the prober's verdict for the declared protocol.
/// </summary>
public static class EndpointCollector
{
    public static ImmutableArray<BackendEndpoint> Collect(
        IReadOnlyList<V1EndpointSlice> slices,
        string? servicePortName,
        BackendProtocol protocol,
        ProbeResults probes)
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(probes);
        if (slices.Count == 0)
        {
            return [];
        }

        var wanted = servicePortName ?? string.Empty;
        var seen = new HashSet<(string, int)>();
        var result = new List<BackendEndpoint>();
        foreach (var slice in slices)
        {
            if (slice.AddressType is not ("IPv4" or "IPv6") || slice.Endpoints is null)
            {
                continue;
            }

            var port = FindPort(slice, wanted);
            if (port is null)
            {
                continue;
            }

            var sliceNamespace = slice.Metadata?.NamespaceProperty ?? string.Empty;
            foreach (var endpoint in slice.Endpoints)
            {
                var conditions = endpoint.Conditions;
                if (conditions?.Ready == false || conditions?.Terminating == true || endpoint.Addresses is null)
                {
                    continue;
                }

                var targetRef = TargetRefOf(endpoint.TargetRef, sliceNamespace);
                foreach (var address in endpoint.Addresses)
                {
                    if (string.IsNullOrEmpty(address) || !seen.Add((address, port.Value)))
                    {
                        continue;
                    }

                    result.Add(new BackendEndpoint(address, port.Value, probes.For(address, port.Value, protocol), targetRef));
                }
            }
        }

        result.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Host, b.Host);
            return c != 0 ? c : a.Port.CompareTo(b.Port);
        });
        return [.. result];
    }

    private static int? FindPort(V1EndpointSlice slice, string wanted)
    {
        if (slice.Ports is null)
        {
            return null;
        }

        foreach (var port in slice.Ports)
        {
            if (string.Equals(port.Name ?? string.Empty, wanted, StringComparison.Ordinal) && port.Port is > 0 and <= 65535)
            {
                return port.Port;
            }
        }

        return null;
    }

    private static string? TargetRefOf(V1ObjectReference? reference, string sliceNamespace)
    {
        if (reference is null || string.IsNullOrEmpty(reference.Name) || string.IsNullOrEmpty(reference.Kind))
        {
            return null;
        }

        var ns = string.IsNullOrEmpty(reference.NamespaceProperty) ? sliceNamespace : reference.NamespaceProperty;
        return $"{reference.Kind.ToLowerInvariant()}/{ns}/{reference.Name}";
    }
}
