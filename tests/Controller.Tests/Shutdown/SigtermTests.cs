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
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet")
            {
                ArgumentList =
                {
                    Path.Combine(AppContext.BaseDirectory, "Plexus.Controller.dll"),
                    "--manifests", manifests.FullName,
                    "--http-port", "0", "--https-port", "0", "--admin-port", "0", "--bind-address", "127.0.0.1",
                    "--drain-delay", "0.1",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        process.OutputDataReceived += (_, e) => Record(output, e.Data);
        process.ErrorDataReceived += (_, e) => Record(output, e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
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

    private static void Record(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }
}
