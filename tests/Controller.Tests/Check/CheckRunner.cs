using System.Text.Json;
using Plexus.Controller.Check;
using Plexus.Proxy.Probing;

namespace Plexus.Controller.Tests.Check;

/// <summary>What one in-process run of <c>plexus check</c> printed and returned.</summary>
internal sealed record CheckRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The table without its first line (the source header, which names paths and addresses).</summary>
    public string TableBody => Stdout[(Stdout.IndexOf('\n', StringComparison.Ordinal) + 1)..];

    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    /// <summary>The JSON entry of one Service.</summary>
    public JsonElement Port(string service) =>
        Json.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("service").GetString() == service);

    /// <summary>The table row of one Service, split into cells.</summary>
    public string[] Row(string service) =>
        Stdout.Split('\n').Select(l => l.Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Single(cells => cells.Length > 1 && cells[1] == service);

    public static async Task<CheckRun> RunAsync(params string[] args) => await RunAsync(null, args);

    public static async Task<CheckRun> RunAsync(IProtocolProber? prober, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = prober is null
            ? await CheckCommand.RunAsync(args, stdout, stderr, timeout.Token)
            : await CheckCommand.RunAsync(args, stdout, stderr, _ => prober, timeout.Token);
        return new CheckRun(code, stdout.ToString(), stderr.ToString());
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}
