namespace Plexus.Controller.Runtime;

/// <summary>When and how many endpoints <see cref="ProbeScheduler"/> probes ("Plexus:Probe", next to the prober's timeouts).</summary>
public sealed class ProbeSchedulerOptions
{
    public const string SectionName = "Plexus:Probe";

    /// <summary>How often every endpoint is probed again.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Probes running at the same time.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// How long a build waits for the first verdicts of endpoints it sees for the first time, so that they do not get
    /// traffic before their protocol is checked. Bounded: a dead endpoint never holds the control plane for longer.
    /// </summary>
    public TimeSpan FirstVerdictWait { get; set; } = TimeSpan.FromSeconds(3);
}
