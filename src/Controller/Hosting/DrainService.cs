using Microsoft.Extensions.Options;
using Plexus.Controller.Runtime;

namespace Plexus.Controller.Hosting;

/// <summary>Graceful shutdown timings (flags <c>--drain-delay</c>, <c>--shutdown-timeout</c>).</summary>
public sealed class DrainOptions
{
    /// <summary>Key of the <see cref="TimeProvider"/> the drain delay runs on (tests replace it).</summary>
    public const string ClockKey = "plexus-drain";

    /// <summary>After SIGTERM, how long the listeners keep accepting while /readyz already says 503.</summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After the drain delay, how long in-flight requests and streams may take before connections are cut.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The first step of shutdown. The host calls every <see cref="IHostedLifecycleService.StoppingAsync"/> before any
/// <see cref="IHostedService.StopAsync"/>, and Kestrel stops accepting only in its StopAsync; so here /readyz turns
/// 503 at once and the listeners keep serving for <see cref="DrainOptions.DrainDelay"/>, long enough for the endpoint
/// to leave load-balancer rotation. Then Kestrel stops accepting, sends HTTP/2 GOAWAY and waits for in-flight
/// requests until the host's shutdown timeout (drain delay + <see cref="DrainOptions.ShutdownTimeout"/>) ends.
/// </summary>
public sealed partial class DrainService(
    ReadinessState readiness,
    IOptions<DrainOptions> options,
    [FromKeyedServices(DrainOptions.ClockKey)] TimeProvider clock,
    ILogger<DrainService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = options.Value.DrainDelay;
        // The timer exists before readiness flips, so whoever sees 503 knows the delay is already running.
        var drained = delay > TimeSpan.Zero ? Task.Delay(delay, clock, cancellationToken) : Task.CompletedTask;
        readiness.MarkDraining();
        LogDraining(delay.TotalSeconds);
        try
        {
            await drained;
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ended the delay early; stopping goes on.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: /readyz reports 503; listeners keep serving for {DrainSeconds} s, then in-flight requests complete")]
    private partial void LogDraining(double drainSeconds);
}
