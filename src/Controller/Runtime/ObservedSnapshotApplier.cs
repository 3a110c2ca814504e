using Plexus.Controller.Store;
using Plexus.Proxy;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Runtime;

/// <summary>
/// The <see cref="ISnapshotApplier"/> the pipeline sees: applies through the proxy's own applier and, when the
/// snapshot was accepted, tells every <see cref="IAppliedSnapshotObserver"/>. Sitting on the apply path catches every
/// way a snapshot gets applied (full builds, endpoint updates, verdict updates) without the pipeline knowing about writers.
/// </summary>
public sealed class ObservedSnapshotApplier(ISnapshotApplier inner, ResourceStore store, IEnumerable<IAppliedSnapshotObserver> observers) : ISnapshotApplier
{
    private readonly IAppliedSnapshotObserver[] _observers = [.. observers];

    public ProxySnapshot Current => inner.Current;

    public async ValueTask<SnapshotApplyResult> ApplyAsync(ProxySnapshot snapshot, CancellationToken ct)
    {
        var result = await inner.ApplyAsync(snapshot, ct);
        if (result.Applied && _observers.Length > 0)
        {
            var applied = new AppliedSnapshot(snapshot, store.Current);
            foreach (var observer in _observers)
            {
                observer.OnApplied(applied);
            }
        }

        return result;
    }
}
