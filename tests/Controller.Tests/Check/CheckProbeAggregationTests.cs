using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Check;

/// <summary>How --probe verdicts become rows and exit codes (with a scripted prober; real backends: CheckProbeTests).</summary>
public class CheckProbeAggregationTests
{
    private static readonly ProtocolVerdict Http1Only = new(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only");
    private static readonly ProtocolVerdict H2cVerified = new(VerdictKind.Verified, BackendProtocol.H2c);

    [Fact]
    public async Task One_mismatching_endpoint_fails_the_port_and_names_the_reason()
    {
        using var manifests = new CheckManifests()
            .App("grpc-api", 9001, appProtocol: "kubernetes.io/h2c", addresses: ["127.0.0.1", "127.0.0.2"]);
        var prober = new ScriptedProber((host, _, _, _) => Task.FromResult(host == "127.0.0.2" ? Http1Only : H2cVerified));

        var run = await CheckRun.RunAsync(prober, "--manifests", manifests.Write(), "--probe");
        var json = await CheckRun.RunAsync(prober, "--manifests", manifests.Directory, "--probe", "--output", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["default", "grpc-api", "web (80)", "h2c", "appProtocol", "no information", "mismatch 1/2", "FAIL"], run.Row("grpc-api"));
        Assert.Contains("1 of 2 endpoints mismatch: speaks HTTP/1.1 only", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("endpoint 127.0.0.2:9001 (pod/default/grpc-api-1): mismatch: speaks HTTP/1.1 only", run.Stdout, StringComparison.Ordinal);
        var active = json.Port("grpc-api").GetProperty("active");
        Assert.Equal("mismatch", active.GetProperty("status").GetString());
        Assert.Equal(1, active.GetProperty("verified").GetInt32());
        Assert.Equal(1, active.GetProperty("mismatch").GetInt32());
        var endpoint = active.GetProperty("endpoints")[1];
        Assert.Equal("127.0.0.2:9001", endpoint.GetProperty("address").GetString());
        Assert.Equal("pod/default/grpc-api-1", endpoint.GetProperty("target").GetString());
        Assert.Equal("mismatch", endpoint.GetProperty("verdict").GetString());
        Assert.Equal("http", endpoint.GetProperty("observed").GetString());
        Assert.True(json.Json.GetProperty("probed").GetBoolean());
        Assert.Contains(new ProbeKey("127.0.0.1", 9001, BackendProtocol.H2c), prober.Asked);
    }

    [Fact]
    public async Task Verified_h2c_settles_the_http_get_readiness_warning()
    {
        using var manifests = new CheckManifests()
            .App("grpc-api", 9001, appProtocol: "kubernetes.io/h2c", readinessProbe: "httpGet: {path: /, port: {port}}");

        var run = await CheckRun.RunAsync(ScriptedProber.ByPort(new Dictionary<int, ProtocolVerdict> { [9001] = H2cVerified }), "--manifests", manifests.Write(), "--probe");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["default", "grpc-api", "web (80)", "h2c", "appProtocol", "warning", "verified 1/1", "ok"], run.Row("grpc-api"));
    }

    [Fact]
    public async Task Unproven_endpoints_pass_with_a_warning()
    {
        using var manifests = new CheckManifests().App("web", 9002);

        var run = await CheckRun.RunAsync(ScriptedProber.ByPort(new Dictionary<int, ProtocolVerdict>()), "--manifests", manifests.Write(), "--probe");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["default", "web", "web (80)", "http", "default", "no information", "unproven 1/1", "warning"], run.Row("web"));
        Assert.Contains("endpoint 127.0.0.1:9002 (pod/default/web-0): unproven: unreachable", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_probe_that_never_answers_is_unproven_after_the_probe_timeout()
    {
        using var manifests = new CheckManifests().App("web", 9003);
        var prober = new ScriptedProber(async (_, _, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });

        var run = await CheckRun.RunAsync(prober, "--manifests", manifests.Write(), "--probe", "--probe-timeout", "1", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var endpoint = run.Port("web").GetProperty("active").GetProperty("endpoints")[0];
        Assert.Equal("unproven", endpoint.GetProperty("verdict").GetString());
        Assert.Equal("no verdict within 1 s", endpoint.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_failing_probe_is_unproven_and_does_not_hide_the_others()
    {
        using var manifests = new CheckManifests()
            .App("web", 9004)
            .App("grpc-api", 9005, appProtocol: "kubernetes.io/h2c");
        var prober = new ScriptedProber((_, port, _, _) => port == 9004
            ? throw new InvalidOperationException("prober bug")
            : Task.FromResult(Http1Only));

        var run = await CheckRun.RunAsync(prober, "--manifests", manifests.Write(), "--probe");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("unproven 1/1", run.Row("web")[6]);
        Assert.Contains("probe failed: prober bug", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("mismatch 1/1", run.Row("grpc-api")[6]);
    }

    [Fact]
    public async Task A_port_without_endpoints_says_so_and_fails()
    {
        using var manifests = new CheckManifests().App("web", 9006, addresses: []);

        var run = await CheckRun.RunAsync(ScriptedProber.ByPort(new Dictionary<int, ProtocolVerdict>()), "--manifests", manifests.Write(), "--probe");

        // Its routes would answer 503: the route would not serve.
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("no endpoints", run.Row("web")[6]);
        Assert.Contains("NoReadyEndpoints", run.Stdout, StringComparison.Ordinal);
    }
}
