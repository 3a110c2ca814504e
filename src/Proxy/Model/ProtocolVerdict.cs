namespace Plexus.Proxy.Model;

public enum VerdictKind
{
    /// <summary>Not probed yet, or unreachable: a health matter, not a protocol one.</summary>
    Unproven,

    /// <summary>The active probe saw the declared protocol.</summary>
    Verified,

    /// <summary>The probe saw something else; the endpoint gets no traffic under the declared protocol.</summary>
    Mismatch,
}

/// <summary>What the prober concluded about one endpoint.</summary>
/// <param name="Kind">The verdict.</param>
/// <param name="Observed">The protocol the endpoint was seen to speak, when known.</param>
/// <param name="Reason">Human-readable reason, e.g. "speaks HTTP/1.1 only".</param>
public sealed record ProtocolVerdict(VerdictKind Kind, BackendProtocol? Observed = null, string? Reason = null)
{
    public static ProtocolVerdict Unproven { get; } = new(VerdictKind.Unproven);
}
