using System.Collections.Concurrent;
using System.Diagnostics;
using Plexus.Controller.Tests.EndToEnd;
using Plexus.Controller.Tests.FakeApi;

namespace Plexus.Controller.Tests.Shutdown;

/// <summary>The real executable, stopped the way Kubernetes stops a container.</summary>
public sealed class SigtermTests
{
    [Fact]
    public async Task Sigterm_drains_and_exits_with_zero()
    {
        var manifests = Directory.CreateTempSubdirectory("plexus-sigterm-");
        var output = new ConcurrentQueue<string>();
        using var process = ControllerProcess.Start(output, "--manifests", manifests.FullName,
            "--http-port", "0", "--https-port", "0", "--admin-port", "0", "--bind-address", "127.0.0.1", "--drain-delay", "0.1");
        try
        {
            await Poll.UntilAsync(() => output.Any(l => l.Contains("Application started", StringComparison.Ordinal)) || process.HasExited, "the controller started", TimeSpan.FromSeconds(60));
            Assert.False(process.HasExited, string.Join('\n', output));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var log = string.Join('\n', output);
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\n{log}");
            Assert.Contains("/readyz reports 503", log, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            manifests.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_port_in_use_is_a_clear_error_with_exit_code_2()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var manifests = Directory.CreateTempSubdirectory("plexus-port-");
        var output = new ConcurrentQueue<string>();
        using var process = ControllerProcess.Start(output, "--manifests", manifests.FullName,
            "--http-port", taken.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--https-port", "0", "--admin-port", "0", "--bind-address", "127.0.0.1");
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            var log = string.Join('\n', output);

            Assert.True(process.ExitCode == 2, $"exit code {process.ExitCode}\n{log}");
            Assert.Contains($"127.0.0.1:{taken}", log, StringComparison.Ordinal);
            Assert.Contains("address already in use", log, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            manifests.Delete(recursive: true);
        }
    }
}
