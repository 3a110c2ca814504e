namespace Plexus.Controller.Events;

/// <summary>How diagnostics are reported as Events. Section "Events".</summary>
public sealed class EventOptions
{
    public const string SectionName = "Events";

    public const string SourceComponent = "plexus-ingress-controller";

    public const string ReportingController = "plexus.dev/ingress-controller";

    /// <summary>
    /// A diagnostic that persists is reported again (count + 1) at most this often; a (re)appearing one at once.
    /// Rebuilds in between write nothing.
    /// </summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>An Event that could not be written is tried again after this long (not on every rebuild).</summary>
    public TimeSpan FailureRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Writes (creates and updates) one object may get at once, as client-go's event spam filter allows (25).</summary>
    public int SpamBurst { get; set; } = 25;

    /// <summary>Then one more write per object per this long (client-go: one per 5 minutes).</summary>
    public TimeSpan SpamRefillInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the Event of a vanished diagnostic is remembered, so that a reappearance increments it instead of creating another (the API server's event TTL is 1 h).</summary>
    public TimeSpan RememberFor { get; set; } = TimeSpan.FromMinutes(55);
}
