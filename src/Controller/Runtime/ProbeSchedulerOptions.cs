namespace Plexus.Controller.Runtime;

/// <summary>When and how many endpoints <see cref="ProbeScheduler"/> probes ("Plexus:Probe", next to the prober's timeouts).</summary>
public sealed class ProbeSchedulerOptions
{
    public const string SectionName = "Plexus:Probe";

    /// <summary>
    /// How often every endpoint is probed again. A round is spread evenly over the interval (not started all at once),
    /// and the next round starts only when the previous one's probes have all started: with more endpoints than
    /// <see cref="MaxConcurrency"/> can probe in an interval, rounds simply take longer.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// At most this many periodic re-probes are started per second: with more endpoints than
    /// <see cref="Interval"/> × this, a round takes longer than the interval (50,000 endpoints at 200/s: one round
    /// every 250 s instead of 1,667 connections per second). First probes of new endpoints are not limited by it.
    /// </summary>
    public int MaxRoundProbesPerSecond { get; set; } = 200;

    /// <summary>Probes running at the same time. First probes of new endpoints take a free slot before periodic re-probes.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// How long a build waits for the first verdicts of endpoints it sees for the first time, so that they do not get
    /// traffic before their protocol is checked. Bounded: a dead endpoint never holds the control plane for longer.
    /// Applies to every build after the first applied snapshot (see <see cref="InitialVerdictWait"/> for the first).
    /// </summary>
    public TimeSpan FirstVerdictWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long the first build (initial sync) waits for the first verdicts of all endpoints. Short on purpose: until
    /// the first snapshot is applied nothing is routed and <c>/readyz</c> is false, and waiting for a first round of
    /// tens of thousands of endpoints (seconds) would hold the whole proxy back for the sake of a few mismatching
    /// ones. A cluster of a few hundred endpoints is usually fully probed within it; in a large one the endpoints not probed yet start Unproven,
    /// which get traffic like any Unproven endpoint, and their verdicts are applied as they arrive (a Mismatch then
    /// takes the endpoint out). Bounded by <see cref="FirstVerdictWait"/>.
    /// </summary>
    public TimeSpan InitialVerdictWait { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Verdict changes arrive in bursts (the first probe of every endpoint after start, a rollout): the pipeline applies
    /// what arrived within this window in one restamp instead of one per verdict. At 50,000 endpoints a first round
    /// made 7,000 restamps of the whole cluster array and the garbage set the process's memory peak; 50 ms later is
    /// no later than a probe round can tell anyway. Zero restamps at once.
    /// </summary>
    public TimeSpan VerdictBatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);
}
