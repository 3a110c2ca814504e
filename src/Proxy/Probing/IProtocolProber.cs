using Plexus.Proxy.Model;

namespace Plexus.Proxy.Probing;

/// <summary>Actively checks whether one endpoint speaks the protocol it was declared with.</summary>
public interface IProtocolProber
{
    /// <summary>
    /// Probes <paramref name="host"/>:<paramref name="port"/> for <paramref name="declared"/>. Never throws for network
    /// trouble: an unreachable endpoint is <see cref="VerdictKind.Unproven"/> with the reason. For
    /// <see cref="BackendProtocol.Auto"/> the verdict's <see cref="ProtocolVerdict.Observed"/> says what to speak.
    /// </summary>
    Task<ProtocolVerdict> ProbeAsync(string host, int port, BackendProtocol declared, CancellationToken cancellationToken);
}
