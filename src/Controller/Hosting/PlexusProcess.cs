namespace Plexus.Controller.Hosting;

/// <summary>
/// Runs the application until it stops and turns how it stopped into the process exit code. A background service that
/// fails stops the host (.NET's <see cref="BackgroundServiceExceptionBehavior.StopHost"/>), but the host then returns as
/// if it had been asked to stop; without this, Kubernetes would show the pod as "Completed" instead of restarting it
/// as crashed.
/// </summary>
public static partial class PlexusProcess
{
    /// <summary>Exit code of a process whose pipeline failed.</summary>
    public const int FatalErrorExitCode = 1;

    /// <summary>Runs <paramref name="app"/> until it stops (the caller disposes it): 0 when it was asked to stop, <see cref="FatalErrorExitCode"/> when a background service failed.</summary>
    public static async Task<int> RunAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Not app.RunAsync: it disposes the services, and with them what tells how the services ended.
        await app.StartAsync(cancellationToken);
        var build = BuildInfo.Current;
        LogStarted(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PlexusProcess)), build.Version, build.Commit, build.Dotnet);
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCode(app.Services);
    }

    /// <summary>0, or <see cref="FatalErrorExitCode"/> when a background service of <paramref name="services"/> ended with an exception (each is logged).</summary>
    public static int ExitCode(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PlexusProcess));
        var exitCode = 0;
        foreach (var service in services.GetServices<IHostedService>().OfType<BackgroundService>())
        {
            if (service.ExecuteTask is { IsFaulted: true } task)
            {
                LogFatal(logger, task.Exception.GetBaseException(), service.GetType().Name, FatalErrorExitCode);
                exitCode = FatalErrorExitCode;
            }
        }

        return exitCode;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Plexus {Version} (commit {Commit}, {Dotnet}) started")]
    private static partial void LogStarted(ILogger logger, string version, string commit, string dotnet);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Service} failed, so Plexus stopped; exiting with code {ExitCode}")]
    private static partial void LogFatal(ILogger logger, Exception exception, string service, int exitCode);
}
