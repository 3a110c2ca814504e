using System.Collections.Concurrent;
using System.Globalization;
using Plexus.Proxy.Model;
using Plexus.Proxy.Probing;

namespace Plexus.Controller.Check;

/// <summary>Probes every endpoint of a snapshot once with its declared protocol, a bounded number at a time.</summary>
public sealed class EndpointProbeRunner
{
    private readonly IProtocolProber _prober;
    private readonly TimeSpan _timeout;
    private readonly int _concurrency;

    public EndpointProbeRunner(IProtocolProber prober, TimeSpan timeout, int concurrency)
    {
        ArgumentNullException.ThrowIfNull(prober);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        _prober = prober;
        _timeout = timeout;
        _concurrency = concurrency;
    }

    /// <summary>
    /// The verdict of every distinct (endpoint, declared protocol) of <paramref name="snapshot"/>. An endpoint that
    /// does not answer within the timeout, or whose probe fails unexpectedly, is Unproven with the reason; only
    /// <paramref name="cancellationToken"/> stops the run.
    /// </summary>
    public async Task<IReadOnlyDictionary<ProbeKey, ProtocolVerdict>> ProbeAsync(ProxySnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var keys = snapshot.Clusters
            .SelectMany(c => c.Endpoints.Select(e => new ProbeKey(e.Host, e.Port, c.Protocol)))
            .Distinct()
            .ToList();
        var verdicts = new ConcurrentDictionary<ProbeKey, ProtocolVerdict>();
        await Parallel.ForEachAsync(
            keys,
            new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken },
            async (key, ct) => verdicts[key] = await ProbeOneAsync(key, ct)).ConfigureAwait(false);
        return verdicts;
    }

    private async Task<ProtocolVerdict> ProbeOneAsync(ProbeKey key, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            return await _prober.ProbeAsync(key.Host, key.Port, key.Protocol, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProtocolVerdict(VerdictKind.Unproven, Reason: $"no verdict within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
#pragma warning disable CA1031 // A prober bug on one endpoint must not hide the verdicts of all the others.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return new ProtocolVerdict(VerdictKind.Unproven, Reason: $"probe failed: {ex.Message}");
        }
    }
}
