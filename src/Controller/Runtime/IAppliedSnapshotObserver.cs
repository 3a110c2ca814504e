using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Runtime;

/// <summary>A snapshot the proxy now serves, and the resources it was built from (UIDs, Ingress status, class selection).</summary>
/// <param name="Snapshot">The applied snapshot.</param>
/// <param name="State">The store's state when the snapshot was applied.</param>
public sealed record AppliedSnapshot(ProxySnapshot Snapshot, ResourceState State);

/// <summary>
/// Told about every snapshot the proxy applied (the status writer and the event recorder). Called on the apply path:
/// implementations only record the snapshot and wake their own loop; they never block or call the API here.
/// </summary>
public interface IAppliedSnapshotObserver
{
    void OnApplied(AppliedSnapshot applied);
}
