using System.Collections.Concurrent;
using System.Diagnostics;
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
        using var process = Controller(output, "--manifests", manifests.FullName,
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
        using var process = Controller(output, "--manifests", manifests.FullName,
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

    /// <summary>Starts the real executable with <paramref name="args"/>; its stdout and stderr lines go to <paramref name="output"/>.</summary>
    private static Process Controller(ConcurrentQueue<string> output, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Plexus.Controller.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Record(output, e.Data);
        process.ErrorDataReceived += (_, e) => Record(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Record(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }
}
