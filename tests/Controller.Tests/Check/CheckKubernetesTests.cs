using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Models;
using Plexus.Controller.Sources.Manifests;
using Plexus.Controller.Tests.FakeApi;

namespace Plexus.Controller.Tests.Check;

public class CheckKubernetesTests
{
    [Fact]
    public async Task Kubeconfig_mode_prints_the_same_table_as_the_manifests()
    {
        using var manifests = new CheckManifests()
            .App("grpc-api", 8081, appProtocol: "kubernetes.io/h2c", readinessProbe: "httpGet: {path: /, port: {port}}")
            .App("web", 8080, readinessProbe: "grpc: {port: {port}}")
            .App("bad", 8082, appProtocol: "h2c", ns: "other");
        await using var api = await FakeKubernetesApi.StartAsync();
        foreach (var obj in ManifestParser.Parse(manifests.Yaml).Objects)
        {
            Create(api, obj);
        }

        using var kubeconfig = new Kubeconfig(api.BaseAddress);

        var fromApi = await CheckRun.RunAsync("--kubeconfig", kubeconfig.Path);
        var fromFiles = await CheckRun.RunAsync("--manifests", manifests.Write());

        Assert.True(fromApi.ExitCode == 1, fromApi.ToString());
        Assert.Equal(fromFiles.ExitCode, fromApi.ExitCode);
        Assert.Equal(fromFiles.TableBody, fromApi.TableBody);
        Assert.StartsWith($"source: kubeconfig {kubeconfig.Path} (API http://127.0.0.1:", fromApi.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, fromApi.Stdout.Split('\n').Count(l => l.StartsWith("default ", StringComparison.Ordinal) || l.StartsWith("other ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Kubeconfig_mode_lists_one_namespace_only_when_asked()
    {
        using var manifests = new CheckManifests()
            .App("web", 8080, readinessProbe: "grpc: {port: {port}}", ns: "team-a")
            .App("api", 8081, ns: "team-b");
        await using var api = await FakeKubernetesApi.StartAsync();
        foreach (var obj in ManifestParser.Parse(manifests.Yaml).Objects)
        {
            Create(api, obj);
        }

        using var kubeconfig = new Kubeconfig(api.BaseAddress);

        var run = await CheckRun.RunAsync("--kubeconfig", kubeconfig.Path, "--namespace", "team-b", "--output", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("team-b", Assert.Single(run.Json.GetProperty("ports").EnumerateArray()).GetProperty("namespace").GetString());
        Assert.All(
            api.Requests.Where(r => r.Verb == "list" && r.Resource != FakeResources.IngressClasses),
            r => Assert.Equal("team-b", r.Namespace));
        Assert.DoesNotContain(api.Requests, r => r.Verb == "watch");
    }

    [Fact]
    public async Task Unreachable_api_exits_2()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
        }

        using var kubeconfig = new Kubeconfig(new Uri($"http://127.0.0.1:{closedPort}/"));

        var run = await CheckRun.RunAsync("--kubeconfig", kubeconfig.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"cannot reach the Kubernetes API at http://127.0.0.1:{closedPort}", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Fact]
    public async Task Api_refusing_a_list_exits_2_and_names_the_kind()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Refuse(FakeResources.Pods, "list", 1, HttpStatusCode.Forbidden);
        using var kubeconfig = new Kubeconfig(api.BaseAddress);

        var run = await CheckRun.RunAsync("--kubeconfig", kubeconfig.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("answered 403 Forbidden to the list of Pod objects", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_kubeconfig_file_exits_2()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "plexus-missing-" + Guid.NewGuid().ToString("N"));

        var run = await CheckRun.RunAsync("--kubeconfig", path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"cannot use kubeconfig '{path}'", run.Stderr, StringComparison.Ordinal);
    }

    private static void Create(FakeKubernetesApi api, IKubernetesObject<V1ObjectMeta> obj)
    {
        switch (obj)
        {
            case V1Ingress o: api.Create(o); break;
            case V1IngressClass o: api.Create(o); break;
            case V1Service o: api.Create(o); break;
            case V1EndpointSlice o: api.Create(o); break;
            case V1Secret o: api.Create(o); break;
            case V1Pod o: api.Create(o); break;
            default: throw new ArgumentException(obj.GetType().Name);
        }
    }
}
