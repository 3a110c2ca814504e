using System.Net;
using System.Net.Sockets;
using Plexus.Testing;

namespace Plexus.Controller.Tests.Check;

/// <summary><c>check --probe</c> with the real prober against real backends on loopback.</summary>
public class CheckProbeTests
{
    public static TheoryData<TestBackendKind, string, int, string, string?> Cases => new()
    {
        // backend, declared (plexus.dev/backend-protocol), exit code, ACTIVE cell, mismatch reason in the details
        { TestBackendKind.Http1, "h2c", 1, "mismatch 1/1", "speaks HTTP/1.1 only" },
        { TestBackendKind.Http1AndHttp2Cleartext, "h2c", 1, "mismatch 1/1", "speaks HTTP/1.1 only" },
        { TestBackendKind.H2c, "h2c", 0, "verified 1/1", null },
        { TestBackendKind.Http1, "http", 0, "verified 1/1", null },
        { TestBackendKind.H2c, "http", 1, "mismatch 1/1", "speaks h2c only" },
        { TestBackendKind.TlsH2, "h2", 0, "verified 1/1", null },
        { TestBackendKind.TlsHttp1, "h2", 1, "mismatch 1/1", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Active_verdict_decides_the_exit_code(TestBackendKind kind, string declared, int exitCode, string active, string? reason)
    {
        await using var backend = await TestBackend.StartAsync(kind);
        using var manifests = new CheckManifests()
            .App("app", backend.Port, annotations: [$"plexus.dev/backend-protocol: {declared}"]);

        var run = await CheckRun.RunAsync("--manifests", manifests.Write(), "--probe");

        Assert.True(run.ExitCode == exitCode, run.ToString());
        Assert.Equal(active, run.Row("app")[6]);
        if (reason is not null)
        {
            Assert.Contains($"endpoint 127.0.0.1:{backend.Port} (pod/default/app-0): mismatch: {reason}", run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task H2c_declared_on_an_http1_only_kestrel_is_a_mismatch_in_json()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        using var manifests = new CheckManifests()
            .App("grpc-api", backend.Port, appProtocol: "kubernetes.io/h2c");

        var run = await CheckRun.RunAsync("--manifests", manifests.Write(), "--probe", "--output", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var endpoint = Assert.Single(run.Port("grpc-api").GetProperty("active").GetProperty("endpoints").EnumerateArray());
        Assert.Equal("mismatch", endpoint.GetProperty("verdict").GetString());
        Assert.Equal("http", endpoint.GetProperty("observed").GetString());
        Assert.Equal("fail", run.Json.GetProperty("result").GetString());
    }

    [Fact]
    public async Task Unreachable_endpoint_is_unproven_and_passes()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        using var manifests = new CheckManifests().App("web", closedPort, appProtocol: "kubernetes.io/h2c");

        var run = await CheckRun.RunAsync("--manifests", manifests.Write(), "--probe");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("unproven 1/1", run.Row("web")[6]);
        Assert.Equal("warning", run.Row("web")[7]);
    }

    [Fact]
    public async Task Silent_endpoint_is_unproven_within_the_probe_timeout()
    {
        await using var silent = MisbehavingServer.Start(Misbehavior.NeverAnswer);
        using var manifests = new CheckManifests().App("web", silent.Port, appProtocol: "kubernetes.io/h2c");

        var run = await CheckRun.RunAsync("--manifests", manifests.Write(), "--probe", "--probe-timeout", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("unproven 1/1", run.Row("web")[6]);
    }

    [Fact]
    public async Task Fixed_declaration_passes_against_the_same_backend()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        using var wrong = new CheckManifests().App("web", backend.Port, appProtocol: "kubernetes.io/h2c");
        using var right = new CheckManifests().App("web", backend.Port, appProtocol: "http");

        var before = await CheckRun.RunAsync("--manifests", wrong.Write(), "--probe");
        var after = await CheckRun.RunAsync("--manifests", right.Write(), "--probe");

        Assert.True(before.ExitCode == 1, before.ToString());
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal("verified 1/1", after.Row("web")[6]);
    }
}
