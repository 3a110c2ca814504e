using System.Collections.Concurrent;
using Plexus.Proxy.Model;
using Plexus.Proxy.Probing;

namespace Plexus.Controller.Tests.Check;

/// <summary>Test double: answers from a script keyed by endpoint port, and records what it was asked.</summary>
internal sealed class ScriptedProber(Func<string, int, BackendProtocol, CancellationToken, Task<ProtocolVerdict>> answer) : IProtocolProber
{
    public ConcurrentQueue<ProbeKey> Asked { get; } = new();

    public static ScriptedProber ByPort(IReadOnlyDictionary<int, ProtocolVerdict> verdicts) =>
        new((_, port, _, _) => Task.FromResult(verdicts.TryGetValue(port, out var v) ? v : new ProtocolVerdict(VerdictKind.Unproven, Reason: "unreachable")));

    public Task<ProtocolVerdict> ProbeAsync(string host, int port, BackendProtocol declared, CancellationToken cancellationToken)
    {
        Asked.Enqueue(new ProbeKey(host, port, declared));
        return answer(host, port, declared, cancellationToken);
    }
}
