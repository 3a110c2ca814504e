using System.Collections.Concurrent;
using System.Diagnostics;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>The real executable (Plexus.Controller.dll next to the tests, with its own runtimeconfig) as a child process.</summary>
public static class ControllerProcess
{
    /// <summary>Starts the real executable with <paramref name="args"/>; its stdout and stderr lines go to <paramref name="output"/>.</summary>
    public static Process Start(ConcurrentQueue<string> output, params string[] args)
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
