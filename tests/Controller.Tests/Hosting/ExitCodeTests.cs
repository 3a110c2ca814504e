using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Hosting;

namespace Plexus.Controller.Tests.Hosting;

/// <summary>The whole Plexus host in-process: how it stopped decides the exit code Program returns.</summary>
public sealed class ExitCodeTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("plexus-exit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_failing_background_service_ends_the_process_with_a_non_zero_exit_code()
    {
        await using var app = Create(builder => builder.Services.AddHostedService<FailsOnceStarted>());

        var exitCode = await PlexusProcess.RunAsync(app).WaitAsync(Bound);

        Assert.Equal(PlexusProcess.FatalErrorExitCode, exitCode);
    }

    [Fact]
    public async Task A_requested_stop_exits_with_zero()
    {
        await using var app = Create(builder => { });
        using var started = app.Lifetime.ApplicationStarted.Register(app.Lifetime.StopApplication);

        var exitCode = await PlexusProcess.RunAsync(app).WaitAsync(Bound);

        Assert.Equal(0, exitCode);
    }

    private WebApplication Create(Action<WebApplicationBuilder> configure) => PlexusApplication.Create(
        new Dictionary<string, string?>
        {
            ["Plexus:Manifests"] = _folder,
            ["Plexus:HttpPort"] = "0",
            ["Plexus:HttpsPort"] = "0",
            ["Plexus:AdminPort"] = "0",
            ["Plexus:DrainDelay"] = "0",
        },
        builder =>
        {
            builder.Logging.ClearProviders();
            configure(builder);
        });

    /// <summary>Stands for any stage of the pipeline that throws: it fails once the host has started.</summary>
    private sealed class FailsOnceStarted(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            throw new InvalidOperationException("the pipeline broke");
        }
    }
}
