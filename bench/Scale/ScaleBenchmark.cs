using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Plexus.Controller.Tests.FakeApi;

namespace Plexus.Bench.Scale;

/// <summary>
/// The scale benchmark: a large cluster in the fake API, Plexus.Controller watching it from its own process, then
/// (1) initial list → first applied snapshot, (2) EndpointSlice change → traffic at the new endpoint, (3) memory.
/// Every wait is bounded.
/// </summary>
internal static class ScaleBenchmark
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(ScaleOptions options)
    {
        var report = new StringBuilder();
        var loadAtStart = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
        await using var backends = await NamedBackends.StartAsync();
        var folder = Directory.CreateTempSubdirectory("plexus-scale-");
        try
        {
            if (options.Manifests)
            {
                await RunManifestsAsync(options, folder.FullName, backends, report, loadAtStart);
            }
            else
            {
                await RunKubernetesAsync(options, folder.FullName, backends, report, loadAtStart);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine(report);
        if (options.Out is { } path)
        {
            await File.WriteAllTextAsync(path, report.ToString());
        }

        return 0;
    }

    private static async Task RunKubernetesAsync(ScaleOptions options, string folder, NamedBackends backends, StringBuilder report, string loadAtStart)
    {
        using var clock = new ApiResponseClock();
        await using var api = await FakeKubernetesApi.StartAsync(historyCapacity: 1000);
        clock.ApiPort = api.BaseAddress.Port;
        var fill = Stopwatch.StartNew();
        ClusterFiller.Fill(api, options.Services, options.EndpointsPerService);
        Say($"fake API {api.BaseAddress}: {options.Services} Ingresses, {options.Services} Services, {options.Services} EndpointSlices with {options.Services * options.EndpointsPerService} endpoints, filled in {fill.Elapsed.TotalSeconds:F1} s");

        var kubeconfig = WriteKubeconfig(folder, api.BaseAddress);
        var ports = FreeLoopbackPorts(3);
        var environment = PlexusEnvironment(options);
        Say($"starting Plexus ({string.Join(", ", environment.Select(e => $"{e.Key}={e.Value}"))}), http {ports[0]}, admin {ports[2]}");
        var started = Stopwatch.GetTimestamp();
        await using var plexus = PlexusProcess.Start(
            options.PlexusDll,
            ["--kubeconfig", kubeconfig, "--http-port", Str(ports[0]), "--https-port", Str(ports[1]), "--admin-port", Str(ports[2]), "--bind-address", "127.0.0.1"],
            environment);
        Say($"Plexus pid {plexus.Id}");

        // 1. Initial list → first applied snapshot.
        await UntilAsync(() => plexus.Applied.Count > 0, SyncTimeout, "the first applied snapshot", plexus);
        var first = plexus.Applied[0];
        var listsDone = clock.InitialListCompleted()
            ?? throw new InvalidOperationException("No list followed by a watch was observed (hosting diagnostics did not report).");
        var lists = clock.Lists.Where(l => l.Timestamp <= listsDone).ToList();
        var firstListStart = lists.Min(l => l.Timestamp);
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[2]}/"), Timeout = TimeSpan.FromSeconds(10) };
        await UntilAsync(IsReady(admin), TimeSpan.FromSeconds(30), "/readyz 200", plexus);
        var toSnapshot = Ms(listsDone, first.Timestamp);
        Say($"first snapshot ({first.Kind}, version {first.Version}, build+apply {first.ElapsedMs:F1} ms) {toSnapshot:F0} ms after the last list page was answered; process start → snapshot {Ms(started, first.Timestamp):F0} ms; {lists.Count} list pages answered between {Ms(started, firstListStart):F0} and {Ms(started, listsDone):F0} ms after process start");

        var measured = await SettleAndChurnAsync(options, plexus, slice => api.Update(slice), backends, ports[0]);
        var metrics = await admin.GetStringAsync(new Uri("metrics", UriKind.Relative));
        WriteReport(report, options, loadAtStart, toSnapshot, Ms(started, first.Timestamp), first, measured, plexus.Applied, metrics, plexus.WarningMessages);
    }

    private static async Task RunManifestsAsync(ScaleOptions options, string folder, NamedBackends backends, StringBuilder report, string loadAtStart)
    {
        var manifests = Path.Combine(folder, "manifests");
        var fill = Stopwatch.StartNew();
        ManifestFolderFiller.Fill(manifests, options.Services, options.EndpointsPerService);
        var files = Directory.EnumerateFiles(manifests, "*.yaml", SearchOption.AllDirectories).ToList();
        Say($"manifest folder {manifests}: {files.Count} files, {files.Sum(f => new FileInfo(f).Length) / (1024.0 * 1024.0):F1} MiB ({options.Services} Ingresses, Services and EndpointSlices with {options.Services * options.EndpointsPerService} endpoints), written in {fill.Elapsed.TotalSeconds:F1} s");

        var ports = FreeLoopbackPorts(3);
        var environment = PlexusEnvironment(options);
        Say($"starting Plexus --manifests ({string.Join(", ", environment.Select(e => $"{e.Key}={e.Value}"))}), http {ports[0]}, admin {ports[2]}");
        var started = Stopwatch.GetTimestamp();
        await using var plexus = PlexusProcess.Start(
            options.PlexusDll,
            ["--manifests", manifests, "--http-port", Str(ports[0]), "--https-port", Str(ports[1]), "--admin-port", Str(ports[2]), "--bind-address", "127.0.0.1"],
            environment);
        Say($"Plexus pid {plexus.Id}");

        // 1. Process start → first applied snapshot and /readyz 200.
        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[2]}/"), Timeout = TimeSpan.FromSeconds(10) };
        await UntilAsync(() => plexus.Applied.Count > 0, SyncTimeout, "the first applied snapshot", plexus);
        var first = plexus.Applied[0];
        await UntilAsync(IsReady(admin), TimeSpan.FromSeconds(30), "/readyz 200", plexus);
        var ready = Stopwatch.GetTimestamp();
        Say($"first snapshot ({first.Kind}, version {first.Version}, build+apply {first.ElapsedMs:F1} ms) {Ms(started, first.Timestamp):F0} ms after process start; /readyz 200 after {Ms(started, ready):F0} ms");

        var measured = await SettleAndChurnAsync(options, plexus, slice => ManifestFolderFiller.WriteApp(manifests, 0, slice), backends, ports[0]);
        var metrics = await admin.GetStringAsync(new Uri("metrics", UriKind.Relative));
        WriteReport(report, options, loadAtStart, Ms(started, ready), Ms(started, first.Timestamp), first, measured, plexus.Applied, metrics, plexus.WarningMessages);
    }

    private static Dictionary<string, string> PlexusEnvironment(ScaleOptions options)
    {
        var environment = new Dictionary<string, string>(options.PlexusEnvironment) { ["Plexus__Probe__Interval"] = options.ProbeInterval };
        if (options.FirstVerdictWait is { } wait)
        {
            environment["Plexus__Probe__FirstVerdictWait"] = wait;
        }

        return environment;
    }

    /// <summary>Waits for the first probes to settle, measures memory, churns the first Service's EndpointSlice through <paramref name="publish"/>, measures again.</summary>
    private static async Task<Measured> SettleAndChurnAsync(ScaleOptions options, PlexusProcess plexus, Action<k8s.Models.V1EndpointSlice> publish, NamedBackends backends, int httpPort)
    {
        var first = plexus.Applied[0];
        var cpuAtSync = plexus.CpuTime();

        // The first build starts a probe of every endpoint (all refused at once on loopback); let them settle.
        var settled = await UntilQuietAsync(plexus, Quiet, SyncTimeout);
        var cpuSettled = plexus.CpuTime();
        var memorySynced = plexus.Memory();
        Say($"control plane quiet {Ms(first.Timestamp, settled):F0} ms after the first snapshot ({plexus.Applied.Count(a => a.Kind == "verdicts")} verdict builds meanwhile); Plexus CPU {cpuAtSync.TotalSeconds:F1} s at first snapshot, {cpuSettled.TotalSeconds:F1} s when quiet; VmRSS {memorySynced.Rss:F0} MiB, VmHWM {memorySynced.Peak:F0} MiB");

        // 2. EndpointSlice change → the new endpoint takes traffic.
        var buildsBeforeChurn = plexus.Applied.Count;
        var (latencies, failed) = await ChurnAsync(publish, backends, httpPort, options.Iterations, plexus);
        var cpuChurned = plexus.CpuTime();
        var memoryChurned = plexus.Memory();
        var churnBuilds = plexus.Applied.Skip(buildsBeforeChurn).ToList();
        Say($"churn: {latencies.Count} changes, {churnBuilds.Count} builds ({string.Join(", ", churnBuilds.GroupBy(b => b.Kind).Select(g => $"{g.Count()} {g.Key}"))}); Plexus CPU {(cpuChurned - cpuSettled).TotalSeconds:F1} s for the churn");
        return new Measured(latencies, failed, memorySynced, memoryChurned, cpuChurned - cpuSettled);
    }

    /// <summary>What the churn measured.</summary>
    private sealed record Measured(List<double> Latencies, int Failed, (double Rss, double Peak) Synced, (double Rss, double Peak) Churned, TimeSpan ChurnCpu);

    private static async Task<string?> TimedAnswerAsync(HttpClient client, Uri url, string host, ChurnRequests churn)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await AnswerAsync(client, url, host);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        churn.Slowest = Math.Max(churn.Slowest, ms);
        if (ms > 1000)
        {
            churn.Slow++;
        }

        return answer;
    }

    private static async Task<(List<double> Latencies, int Failed)> ChurnAsync(Action<k8s.Models.V1EndpointSlice> publish, NamedBackends backends, int httpPort, int iterations, PlexusProcess plexus)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var url = new Uri($"http://127.0.0.1:{httpPort}/");
        var latencies = new List<double>(iterations);
        var failed = 0;
        var churn = new ChurnRequests();
        for (var n = 0; n < iterations; n++)
        {
            var port = n % 2 == 0 ? backends.PortA : backends.PortB;
            var expected = backends.Name(port);
            var changed = Stopwatch.GetTimestamp();
            publish(ClusterFiller.Slice(0, ["127.0.0.1"], port));
            string? answer;
            while ((answer = await TimedAnswerAsync(client, url, ClusterFiller.Host(0), churn)) != expected)
            {
                // The first change replaces the refused 127.1.x.y endpoints: failures before it are expected.
                if (answer is null && n > 0)
                {
                    failed++;
                }

                if (plexus.HasExited)
                {
                    throw new InvalidOperationException($"change {n}: Plexus exited\n{plexus.Tail()}");
                }

                if (Stopwatch.GetElapsedTime(changed) > ChangeTimeout)
                {
                    // Recorded (at the bound) and reported rather than ending the run: the other changes still count.
                    churn.TimedOut++;
                    Say($"change {n}: {ClusterFiller.Host(0)} did not reach backend {expected} within {ChangeTimeout.TotalSeconds} s\n{plexus.Tail()}");
                    break;
                }

                await Task.Delay(1);
            }

            latencies.Add(Stopwatch.GetElapsedTime(changed).TotalMilliseconds);
        }

        Say($"churn requests: slowest {churn.Slowest:F0} ms, {churn.Slow} slower than 1 s, {churn.TimedOut} changes not served within {ChangeTimeout.TotalSeconds} s");
        return (latencies, failed);
    }

    /// <summary>Requests through Plexus during the churn that took long, and changes that were never served.</summary>
    private sealed class ChurnRequests
    {
        public double Slowest { get; set; }

        public int Slow { get; set; }

        public int TimedOut { get; set; }
    }

    private static async Task<string?> AnswerAsync(HttpClient client, Uri url, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Host = host;
        try
        {
            using var response = await client.SendAsync(request);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            // The client's timeout: counted as a failed request like any other.
            return null;
        }
    }

    private static void WriteReport(
        StringBuilder report,
        ScaleOptions options,
        string loadAtStart,
        double toSnapshot,
        double startToSnapshot,
        AppliedSnapshot first,
        Measured measured,
        IReadOnlyList<AppliedSnapshot> applied,
        string metrics,
        IReadOnlyDictionary<string, int> warnings)
    {
        var (latencies, failed, synced, churned, churnCpu) = measured;
        latencies.Sort();
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
        report.AppendLine(CultureInfo.InvariantCulture, $"Mode {(options.Manifests ? "manifests (--manifests DIR, one file per app)" : "kubernetes (fake API)")}: {options.Services} Ingresses, {options.Services} Services, {options.Services * options.EndpointsPerService} endpoints; {Environment.ProcessorCount} CPUs, load average at the start: {loadAtStart}, at the end: {load}.");
        var settings = options.PlexusEnvironment.Select(e => $"{e.Key}={e.Value}")
            .Prepend($"Plexus__Probe__Interval={options.ProbeInterval}")
            .Concat(options.FirstVerdictWait is { } w ? [$"Plexus__Probe__FirstVerdictWait={w}"] : []);
        report.AppendLine(CultureInfo.InvariantCulture, $"Plexus environment for the run: {string.Join(", ", settings)}; everything else default.");
        report.AppendLine();
        report.AppendLine("| measure | target | measured |");
        report.AppendLine("|---|---|--:|");
        if (options.Manifests)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| `--manifests`: process start → /readyz 200 (first snapshot applied) | ≤ 5 s | {toSnapshot:F0} ms ({startToSnapshot:F0} ms; its build+apply {first.ElapsedMs:F0} ms) |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| one app file rewritten (temporary file renamed over it) → new endpoint takes traffic, p50 / p99 / max ({latencies.Count} changes) | ≤ 100 ms | {Percentile(latencies, 0.5):F1} / {Percentile(latencies, 0.99):F1} / {latencies[^1]:F1} ms |");
        }
        else
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| last initial list page answered → first snapshot applied | < 1 s | {toSnapshot:F0} ms (pipeline build+apply {first.ElapsedMs:F0} ms; process start → snapshot {startToSnapshot:F0} ms) |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| EndpointSlice change → new endpoint takes traffic, p50 / p99 / max ({latencies.Count} changes) | p99 < 50 ms | {Percentile(latencies, 0.5):F1} / {Percentile(latencies, 0.99):F1} / {latencies[^1]:F1} ms |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"| requests through Plexus that failed while it switched endpoints (changes 2..{latencies.Count}) | 0 | {failed} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Plexus resident memory after sync, VmRSS (VmHWM) | < 300 MB | {synced.Rss:F0} MiB ({synced.Peak:F0} MiB) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Plexus resident memory after churn, VmRSS (VmHWM) | < 300 MB | {churned.Rss:F0} MiB ({churned.Peak:F0} MiB) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| Plexus CPU for the {latencies.Count} changes | | {churnCpu.TotalSeconds:F1} s |");
        report.AppendLine();
        report.AppendLine("Snapshot builds (from the log: build + probe wait + apply, as the pipeline measures it):");
        report.AppendLine();
        report.AppendLine("| build kind | count | p50 | max |");
        report.AppendLine("|---|--:|--:|--:|");
        foreach (var group in applied.GroupBy(a => a.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ms = group.Select(a => a.ElapsedMs).Order().ToList();
            report.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {ms.Count} | {Percentile(ms, 0.5):F1} ms | {ms[^1]:F1} ms |");
        }

        if (applied.All(a => a.PipelineMs is not null))
        {
            report.AppendLine();
            report.AppendLine("Split of each build (the pipeline's own work: translator, probe targets and verdict restamp, metrics; waiting for first verdicts; the proxy's apply), p50 / max:");
            report.AppendLine();
            report.AppendLine("| build kind | pipeline | first-verdict wait | proxy apply |");
            report.AppendLine("|---|--:|--:|--:|");
            foreach (var group in applied.GroupBy(a => a.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {Split(group, a => a.PipelineMs)} | {Split(group, a => a.WaitMs)} | {Split(group, a => a.ApplyMs)} |");
            }
        }

        report.AppendLine();
        report.AppendLine("From /metrics:");
        report.AppendLine();
        report.AppendLine("```");
        foreach (var line in metrics.Split('\n').Where(l => l.StartsWith("plexus_snapshot_build", StringComparison.Ordinal) && !l.Contains("_bucket", StringComparison.Ordinal)))
        {
            report.AppendLine(line);
        }

        report.AppendLine("```");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Warnings and errors Plexus logged during the run: {warnings.Values.Sum()}.");
        foreach (var (message, count) in warnings.OrderByDescending(w => w.Value).Take(8))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"- {count} × {message}");
        }
    }

    private static string Split(IEnumerable<AppliedSnapshot> builds, Func<AppliedSnapshot, double?> part)
    {
        var ms = builds.Select(b => part(b) ?? double.NaN).Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{Percentile(ms, 0.5):F1} / {ms[^1]:F1} ms");
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<bool> IsReadyAsync(HttpClient admin)
    {
        try
        {
            using var response = await admin.GetAsync(new Uri("readyz", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static Func<Task<bool>> IsReady(HttpClient admin) => () => IsReadyAsync(admin);

    private static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, PlexusProcess plexus) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, plexus);

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, PlexusProcess plexus)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            if (plexus.HasExited || Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what} (Plexus {(plexus.HasExited ? "exited" : "running")}):\n{plexus.Tail()}");
            }

            await Task.Delay(1);
        }
    }

    /// <summary>Waits until Plexus applied no snapshot for <paramref name="quiet"/>; returns when the last one was applied.</summary>
    private static async Task<long> UntilQuietAsync(PlexusProcess plexus, TimeSpan quiet, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var last = plexus.Applied[^1].Timestamp;
            if (Stopwatch.GetElapsedTime(last) >= quiet)
            {
                return last;
            }

            if (plexus.HasExited || Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Plexus kept applying snapshots for {timeout.TotalSeconds} s:\n{plexus.Tail()}");
            }

            await Task.Delay(100);
        }
    }

    private static string WriteKubeconfig(string folder, Uri server)
    {
        // KubernetesClient refuses a kubeconfig user without credentials; the fake API checks none.
        var path = Path.Combine(folder, "kubeconfig");
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {{server}}
            users:
            - name: bench
              user:
                token: bench
            contexts:
            - name: fake
              context:
                cluster: fake
                user: bench
            current-context: fake
            """);
        return path;
    }

    private static int[] FreeLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Say(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
