using System.Collections.Immutable;

namespace Plexus.Controller.Store;

/// <summary>
/// The small projection of a Pod that the backend-protocol checks need: its readiness probes.
/// Full Pod specs are never cached (they are large and a cluster has many).
/// </summary>
/// <param name="Namespace">Pod namespace.</param>
/// <param name="Name">Pod name.</param>
/// <param name="ReadinessProbes">One entry per container readiness probe.</param>
public sealed record PodProbes(string Namespace, string Name, ImmutableArray<ReadinessProbeInfo> ReadinessProbes);

public enum ProbeKind
{
    HttpGet,
    Grpc,
    TcpSocket,
    Exec,
}

/// <summary>One container readiness probe, reduced to what the protocol checks read.</summary>
/// <param name="Container">Container name.</param>
/// <param name="Kind">Probe handler kind.</param>
/// <param name="Port">Numeric port, when the probe names one as a number (or a resolved named container port).</param>
/// <param name="PortName">Named port, when the probe names one by name and it could not be resolved.</param>
/// <param name="Scheme">For httpGet: "HTTP" or "HTTPS".</param>
public sealed record ReadinessProbeInfo(string Container, ProbeKind Kind, int? Port, string? PortName, string? Scheme)
{
    /// <summary>For httpGet: the probe's <c>protocol</c> field when set (Kubernetes' default, null, means HTTP/1.1).</summary>
    public string? HttpProtocol { get; init; }

    /// <summary>For grpc: the probe's <c>mode</c> field when set ("TLS" or "Plaintext"; null means plaintext, i.e. h2c).</summary>
    public string? GrpcMode { get; init; }
}
