using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Plexus.Bench.Scale;

/// <summary>
/// Plexus.Controller as a separate process (so that its memory is its own), its log read line by line with the time
/// each line arrived, and what /proc says about it.
/// </summary>
internal sealed partial class PlexusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly ConcurrentQueue<AppliedSnapshot> _applied = new();
    private readonly ConcurrentDictionary<string, int> _warningMessages = new(StringComparer.Ordinal);
    private int _warnings;
    private bool _warningFollows;

    private PlexusProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public IReadOnlyList<AppliedSnapshot> Applied => [.. _applied];

    public int WarningsAndErrors => Volatile.Read(ref _warnings);

    /// <summary>Warning and error messages (numbers blanked so that alike ones group), with how often each came.</summary>
    public IReadOnlyDictionary<string, int> WarningMessages => _warningMessages;

    public static PlexusProcess Start(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var plexus = new PlexusProcess(process);
        process.OutputDataReceived += (_, e) => plexus.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => plexus.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return plexus;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines of its log, for a failure message.</summary>
    public string Tail() => string.Join('\n', _tail);

    /// <summary>VmRSS and VmHWM in MiB.</summary>
    public (double Rss, double Peak) Memory()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kib(line) / 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kib(line) / 1024;
            }
        }

        return (rss, peak);
    }

    /// <summary>User + system CPU time the process used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
    }

    private static double Kib(string line) =>
        double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        _tail.Enqueue(line);
        while (_tail.Count > 40 && _tail.TryDequeue(out _))
        {
        }

        // The console formatter writes "warn: Category[id]" and the message on the next line. Lines come one at a time.
        if (_warningFollows)
        {
            _warningFollows = false;
            var message = Digits().Replace(line.Trim(), "#");
            _warningMessages.AddOrUpdate(message.Length > 160 ? message[..160] : message, 1, (_, n) => n + 1);
        }

        if (line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _warnings);
            _warningFollows = true;
        }

        var match = AppliedLine().Match(line);
        if (match.Success)
        {
            _applied.Enqueue(new AppliedSnapshot(
                now,
                long.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["kind"].Value,
                double.Parse(match.Groups["ms"].Value, CultureInfo.InvariantCulture),
                Part(match, "pipeline"),
                Part(match, "wait"),
                Part(match, "apply")));
        }
    }

    private static double? Part(Match match, string name) =>
        match.Groups[name].Success ? double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : null;

    // "Applied snapshot {Version} ({Kind} build): {Routes} routes, ... in {ElapsedMs:F1} ms (pipeline {PipelineMs:F1} ms,
    // first-verdict wait {WaitMs:F1} ms, proxy apply {ApplyMs:F1} ms)" (SnapshotPipeline; the parenthesis is newer).
    [GeneratedRegex(@"Applied snapshot (?<version>\d+) \((?<kind>\w+) build\):.* in (?<ms>[\d.]+) ms( \(pipeline (?<pipeline>[\d.]+) ms, first-verdict wait (?<wait>[\d.]+) ms, proxy apply (?<apply>[\d.]+) ms\))?")]
    private static partial Regex AppliedLine();

    [GeneratedRegex(@"\d+(\.\d+)*")]
    private static partial Regex Digits();
}

/// <param name="Timestamp">Stopwatch timestamp when the log line arrived here.</param>
/// <param name="Version">Snapshot version.</param>
/// <param name="Kind">full, endpoints or verdicts.</param>
/// <param name="ElapsedMs">What the pipeline measured from the start of the build to the end of the apply.</param>
/// <param name="PipelineMs">Of which the pipeline's own work (translator, probe bookkeeping, metrics), when logged.</param>
/// <param name="WaitMs">Of which waiting for first verdicts of new endpoints, when logged.</param>
/// <param name="ApplyMs">Of which the proxy's apply (including the applied-snapshot observers), when logged.</param>
internal sealed record AppliedSnapshot(long Timestamp, long Version, string Kind, double ElapsedMs, double? PipelineMs, double? WaitMs, double? ApplyMs);
