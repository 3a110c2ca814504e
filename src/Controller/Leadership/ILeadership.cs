namespace Plexus.Controller.Leadership;

/// <summary>Whether this replica currently holds the leader Lease. Only the leader writes Ingress status and Events.</summary>
public interface ILeadership
{
    bool IsLeader { get; }

    /// <summary>This replica's identity (the Lease holder name when it leads; also the Events' reporting instance).</summary>
    string Identity { get; }

    /// <summary>Raised after <see cref="IsLeader"/> changed; handlers must not block.</summary>
    event EventHandler? Changed;
}
