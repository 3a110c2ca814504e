using System.Collections.Immutable;

namespace Plexus.Proxy.Model;

/// <summary>Which endpoint was probed, with which declared protocol.</summary>
public readonly record struct ProbeKey(string Host, int Port, BackendProtocol Protocol);

/// <summary>The prober's latest verdicts; they feed the next translator build.</summary>
public sealed record ProbeResults(ImmutableDictionary<ProbeKey, ProtocolVerdict> Verdicts)
{
    public static ProbeResults Empty { get; } = new(ImmutableDictionary<ProbeKey, ProtocolVerdict>.Empty);

    public ProtocolVerdict For(string host, int port, BackendProtocol protocol) =>
        Verdicts.TryGetValue(new ProbeKey(host, port, protocol), out var verdict) ? verdict : ProtocolVerdict.Unproven;
}
