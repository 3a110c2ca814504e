using System.Collections.Immutable;
using k8s.Models;

namespace Plexus.Controller.Store;

/// <summary>Reduces a Pod to its readiness probes as soon as it reaches the store, so whole Pods are never kept.</summary>
public static class PodProjection
{
    public static PodProbes Project(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var key = ResourceKinds.KeyOf(ResourceKind.Pod, pod.Metadata);
        var probes = ImmutableArray.CreateBuilder<ReadinessProbeInfo>();
        if (pod.Spec is { } spec)
        {
            foreach (var container in spec.Containers ?? [])
            {
                AddProbe(probes, container);
            }

            // Sidecars (restartable init containers) take part in readiness too.
            foreach (var container in spec.InitContainers ?? [])
            {
                if (string.Equals(container.RestartPolicy, "Always", StringComparison.Ordinal))
                {
                    AddProbe(probes, container);
                }
            }
        }

        return new PodProbes(key.Namespace, key.Name, probes.ToImmutable());
    }

    /// <summary>Value equality of two projections (the record's own equality compares the probe array by reference).</summary>
    public static bool AreSame(PodProbes a, PodProbes b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return ReferenceEquals(a, b)
            || (a.Namespace == b.Namespace && a.Name == b.Name && a.ReadinessProbes.SequenceEqual(b.ReadinessProbes));
    }

    private static void AddProbe(ImmutableArray<ReadinessProbeInfo>.Builder probes, V1Container container)
    {
        var probe = container.ReadinessProbe;
        if (probe is null)
        {
            return;
        }

        var name = container.Name ?? "";
        if (probe.HttpGet is { } http)
        {
            var (port, portName) = ResolvePort(http.Port, container);
            var scheme = string.IsNullOrEmpty(http.Scheme) ? "HTTP" : http.Scheme.ToUpperInvariant();
            probes.Add(new ReadinessProbeInfo(name, ProbeKind.HttpGet, port, portName, scheme)
            {
                HttpProtocol = string.IsNullOrEmpty(http.Protocol) ? null : http.Protocol,
            });
        }
        else if (probe.Grpc is { } grpc)
        {
            probes.Add(new ReadinessProbeInfo(name, ProbeKind.Grpc, grpc.Port, null, null)
            {
                GrpcMode = string.IsNullOrEmpty(grpc.Mode) ? null : grpc.Mode,
            });
        }
        else if (probe.TcpSocket is { } tcp)
        {
            var (port, portName) = ResolvePort(tcp.Port, container);
            probes.Add(new ReadinessProbeInfo(name, ProbeKind.TcpSocket, port, portName, null));
        }
        else if (probe.Exec is not null)
        {
            probes.Add(new ReadinessProbeInfo(name, ProbeKind.Exec, null, null, null));
        }
    }

    private static (int? Port, string? PortName) ResolvePort(IntOrString? value, V1Container container)
    {
        var text = value?.Value;
        if (string.IsNullOrEmpty(text))
        {
            return (null, null);
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return (number, null);
        }

        foreach (var port in container.Ports ?? [])
        {
            if (string.Equals(port.Name, text, StringComparison.Ordinal))
            {
                return (port.ContainerPort, null);
            }
        }

        return (null, text);
    }
}
