using System.Diagnostics;
using System.Text;

namespace Plexus.Controller.Tests.Dashboard;

/// <summary>
/// Debian's chromium in headless mode, one short-lived process per call with its own profile directory, bounded by a
/// timeout (the whole process tree is killed when it runs out).
/// </summary>
internal static class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static void EnsureInstalled()
    {
        if (!File.Exists(Path))
        {
            Assert.Fail($"{Path} is missing: the dashboard test needs Debian's chromium. Run bash test.sh (the README's test command) or .ci/install-tools.sh, as root, to install it.");
        }
    }

    /// <summary>The DOM after the page's scripts ran for <paramref name="virtualTimeMs"/> ms of virtual time.</summary>
    public static async Task<string> DumpDomAsync(Uri page, int virtualTimeMs)
    {
        var (stdout, _) = await RunAsync([$"--virtual-time-budget={virtualTimeMs}", "--dump-dom", page.AbsoluteUri]);
        return stdout;
    }

    public static async Task ScreenshotAsync(Uri page, string file, int virtualTimeMs)
    {
        await RunAsync([$"--virtual-time-budget={virtualTimeMs}", $"--screenshot={file}", "--window-size=1280,900", "--hide-scrollbars", page.AbsoluteUri]);
    }

    private static async Task<(string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments)
    {
        EnsureInstalled();
        var profile = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "plexus-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-proxy-server", $"--user-data-dir={profile}",
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Path} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            var output = (await stdout, await stderr);
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}:\n{output.Item2}");
            return output;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish within {Timeout.TotalSeconds} s; killed it.");
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            throw;
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // A renderer still closing may hold a file a moment longer; the temp dir is disposable.
            }
        }
    }
}
