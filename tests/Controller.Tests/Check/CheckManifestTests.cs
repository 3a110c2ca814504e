namespace Plexus.Controller.Tests.Check;

public class CheckManifestTests
{
    private const string HttpGetProbe = "httpGet: {path: /healthz, port: {port}}";
    private const string GrpcProbe = "grpc: {port: {port}}";

    [Fact]
    public async Task All_good_manifests_pass_with_one_row_per_routed_port()
    {
        using var manifests = new CheckManifests()
            .App("grpc-api", 8081, appProtocol: "kubernetes.io/h2c", readinessProbe: GrpcProbe)
            .App("web", 8080, readinessProbe: HttpGetProbe)
            .App("tls", 8443, annotations: ["plexus.dev/backend-protocol: h2"], readinessProbe: "tcpSocket: {port: {port}}");

        var run = await CheckRun.RunAsync("--manifests", manifests.Write());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["default", "grpc-api", "web (80)", "h2c", "appProtocol", "ok", "not probed", "ok"], run.Row("grpc-api"));
        Assert.Equal(["default", "web", "web (80)", "http", "default", "ok", "not probed", "ok"], run.Row("web"));
        Assert.Equal(["default", "tls", "web (80)", "h2", "plexus.dev annotation", "no information", "not probed", "ok"], run.Row("tls"));
        Assert.Contains("PASS: 3 ports checked, 0 failed, 0 warnings", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    public async Task Json_output_has_the_documented_fields()
    {
        using var manifests = new CheckManifests()
            .App("grpc-api", 8081, appProtocol: "kubernetes.io/h2c", readinessProbe: GrpcProbe);

        var run = await CheckRun.RunAsync("--manifests", manifests.Write(), "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json;
        Assert.Equal("pass", json.GetProperty("result").GetString());
        Assert.Equal(0, json.GetProperty("exitCode").GetInt32());
        Assert.False(json.GetProperty("probed").GetBoolean());
        Assert.Equal("plexus", json.GetProperty("ingressClass").GetString());
        var port = run.Port("grpc-api");
        Assert.Equal("default", port.GetProperty("namespace").GetString());
        Assert.Equal("80", port.GetProperty("port").GetString());
        Assert.Equal("web", port.GetProperty("portName").GetString());
        Assert.Equal("default/grpc-api:80", port.GetProperty("cluster").GetString());
        Assert.Equal("h2c", port.GetProperty("protocol").GetString());
        Assert.Equal("app-protocol", port.GetProperty("declaredBy").GetProperty("source").GetString());
        Assert.Contains("kubernetes.io/h2c", port.GetProperty("declaredBy").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("ok", port.GetProperty("readiness").GetProperty("status").GetString());
        Assert.Equal("not-probed", port.GetProperty("active").GetProperty("status").GetString());
        Assert.Equal("ok", port.GetProperty("status").GetString());
        Assert.Empty(port.GetProperty("problems").EnumerateArray());
        Assert.Empty(port.GetProperty("diagnostics").EnumerateArray());
    }

    [Fact]
    public async Task Http_get_probe_on_an_h2c_port_is_a_warning_that_passes()
    {
        using var manifests = new CheckManifests()
            .App("grpc-api", 8081, appProtocol: "kubernetes.io/h2c", readinessProbe: HttpGetProbe);
        var folder = manifests.Write();

        var table = await CheckRun.RunAsync("--manifests", folder);
        var json = await CheckRun.RunAsync("--manifests", folder, "--output", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Equal(["default", "grpc-api", "web (80)", "h2c", "appProtocol", "warning", "not probed", "warning"], table.Row("grpc-api"));
        Assert.Contains("proves HTTP/1.1, not h2c", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("fix: a grpc probe or an HTTP/1.1 health port", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("PASS: 1 port checked, 0 failed, 1 warning", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        var readiness = json.Port("grpc-api").GetProperty("readiness");
        Assert.Equal("warning", readiness.GetProperty("status").GetString());
        Assert.Contains("1 of 1 pods (grpc-api-0)", readiness.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("warning", json.Port("grpc-api").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Grpc_probe_on_an_http_port_is_incompatible_and_fails()
    {
        using var manifests = new CheckManifests()
            .App("web", 8080, readinessProbe: GrpcProbe)
            .App("fine", 8082, readinessProbe: HttpGetProbe);

        var run = await CheckRun.RunAsync("--manifests", manifests.Write());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(["default", "web", "web (80)", "http", "default", "incompatible", "not probed", "FAIL"], run.Row("web"));
        Assert.Equal("ok", run.Row("fine")[^1]);
        Assert.Contains("grpc probe on port 8080 proves cleartext HTTP/2 (h2c)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL: 2 ports checked, 1 failed", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_app_protocol_h2c_fails_with_the_hint()
    {
        using var manifests = new CheckManifests().App("grpc-api", 8081, appProtocol: "h2c");
        var folder = manifests.Write();

        var table = await CheckRun.RunAsync("--manifests", folder);
        var json = await CheckRun.RunAsync("--manifests", folder, "--output", "json");

        Assert.True(table.ExitCode == 1, table.ToString());
        // Ignored, not silently HTTP/1.1 without a word: the row says default and fails.
        Assert.Equal(["default", "grpc-api", "web (80)", "http", "default", "no information", "not probed", "FAIL"], table.Row("grpc-api"));
        Assert.Contains("InvalidBackendProtocol", table.Stdout, StringComparison.Ordinal);
        Assert.Contains("write appProtocol: kubernetes.io/h2c", table.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        Assert.Equal("fail", json.Json.GetProperty("result").GetString());
        var diagnostic = Assert.Single(json.Port("grpc-api").GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("InvalidBackendProtocol", diagnostic.GetProperty("reason").GetString());
        Assert.Equal("Service/default/grpc-api", diagnostic.GetProperty("subject").GetString());
        Assert.Equal("warning", diagnostic.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Conflicting_sources_fail_and_name_both()
    {
        using var manifests = new CheckManifests()
            .App("grpc-api", 8081, appProtocol: "http", annotations: ["plexus.dev/backend-protocol: h2c"]);

        var run = await CheckRun.RunAsync("--manifests", manifests.Write(), "--output", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var port = run.Port("grpc-api");
        Assert.Equal("h2c", port.GetProperty("protocol").GetString());
        Assert.Equal("plexus-annotation", port.GetProperty("declaredBy").GetProperty("source").GetString());
        var message = Assert.Single(port.GetProperty("diagnostics").EnumerateArray(), d => d.GetProperty("reason").GetString() == "BackendProtocolConflict")
            .GetProperty("message").GetString();
        Assert.Contains("plexus.dev/backend-protocol", message, StringComparison.Ordinal);
        Assert.Contains("appProtocol \"http\"", message, StringComparison.Ordinal);
        Assert.Equal("fail", port.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Invalid_ingress_nginx_annotation_on_the_routing_ingress_fails_its_port()
    {
        using var manifests = new CheckManifests()
            .App("web", 8080, ingressAnnotation: "nginx.ingress.kubernetes.io/backend-protocol: FCGI");

        var run = await CheckRun.RunAsync("--manifests", manifests.Write(), "--output", "json");

        Assert.True(run.ExitCode == 1, run.ToString());
        var diagnostic = Assert.Single(run.Port("web").GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("Ingress/default/web", diagnostic.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Namespace_limits_the_check()
    {
        using var manifests = new CheckManifests()
            .App("web", 8080, readinessProbe: GrpcProbe, ns: "team-a")
            .App("api", 8081, ns: "team-b");
        var folder = manifests.Write();

        var teamB = await CheckRun.RunAsync("--manifests", folder, "--namespace", "team-b", "--output", "json");
        var all = await CheckRun.RunAsync("--manifests", folder, "--output", "json");

        Assert.True(teamB.ExitCode == 0, teamB.ToString());
        var port = Assert.Single(teamB.Json.GetProperty("ports").EnumerateArray());
        Assert.Equal("team-b", port.GetProperty("namespace").GetString());
        Assert.Equal("team-b", teamB.Json.GetProperty("namespace").GetString());
        Assert.Equal(1, all.ExitCode);
        Assert.Equal(2, all.Json.GetProperty("ports").GetArrayLength());
    }

    [Theory]
    [InlineData("missing Service", "ServiceNotFound")]
    [InlineData("missing port", "ServicePortNotFound")]
    [InlineData("invalid path", "InvalidPath")]
    public async Task A_route_that_would_not_serve_fails_naming_why(string why, string reason)
    {
        using var manifests = new CheckManifests().App("web", 8080);
        _ = why switch
        {
            "missing Service" => manifests.Ingress("other", "missing", 80),
            "missing port" => manifests.Ingress("other", "web", 81),
            "invalid path" => manifests.Ingress("other", "web", 80, path: "/a b", pathType: "Exact"),
            _ => throw new ArgumentOutOfRangeException(nameof(why), why, null),
        };

        var run = await CheckRun.RunAsync("--manifests", manifests.Write());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(reason, run.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("FAIL", run.Stdout.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warnings_pass_unless_strict()
    {
        using var manifests = new CheckManifests().App("web", 8080, readinessProbe: "httpGet: {port: {port}}", annotations: ["plexus.dev/backend-protocol: h2c"]);
        var folder = manifests.Write();

        var lenient = await CheckRun.RunAsync("--manifests", folder);
        var strict = await CheckRun.RunAsync("--manifests", folder, "--strict");

        Assert.True(lenient.ExitCode == 0, lenient.ToString());
        Assert.True(strict.ExitCode == 1, strict.ToString());
    }

    [Fact]
    public async Task Nothing_routed_fails_and_says_why()
    {
        using var manifests = new CheckManifests();

        var run = await CheckRun.RunAsync("--manifests", manifests.Write());

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("no routed Service ports", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("NoIngressOfTheClass", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("has no Ingress of class \"plexus\"", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_manifest_file_is_an_input_error()
    {
        using var manifests = new CheckManifests().App("web", 8080);
        var folder = manifests.Write();
        await File.WriteAllTextAsync(Path.Combine(folder, "broken.yaml"), "apiVersion: v1\nkind: Service\nmetadata: [unclosed\n");

        var run = await CheckRun.RunAsync("--manifests", folder);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("broken.yaml", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("could not be read completely", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }
}
