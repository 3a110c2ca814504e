namespace Plexus.Controller.Runtime;

/// <summary>What /readyz reports: ready once the first full sync has been applied, until draining starts.</summary>
public sealed class ReadinessState
{
    private volatile bool _synced;
    private volatile bool _draining;

    public bool IsReady => _synced && !_draining;

    public bool IsDraining => _draining;

    public bool HasSynced => _synced;

    public void MarkSynced() => _synced = true;

    public void MarkDraining() => _draining = true;
}
