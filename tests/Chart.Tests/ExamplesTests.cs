using k8s.Models;
using Plexus.Controller.Sources.Manifests;
using Plexus.Controller.Store;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Chart.Tests;

/// <summary>
/// deploy/examples parse strictly into the Kubernetes model types, and each Service's declared protocol agrees with
/// its pods' readiness probes, judged by the controller's own resolver and checker.
/// </summary>
public class ExamplesTests
{
    public static TheoryData<string> Files() => [.. FileNames()];

    public static TheoryData<string, string, BackendProtocol, ProbeKind, string> Backends() => new()
    {
        { "grpc-h2c.yaml", "grpc-echo", BackendProtocol.H2c, ProbeKind.Grpc, "HTTP" },
        { "h2-tls.yaml", "h2-echo", BackendProtocol.H2, ProbeKind.HttpGet, "HTTPS" },
        { "http1.yaml", "http-echo", BackendProtocol.Http, ProbeKind.HttpGet, "HTTP" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_document_parses_strictly(string file)
    {
        var objects = Load(file);

        Assert.NotEmpty(objects);
        // The controller's --manifests reader accepts the file too.
        ManifestParser.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Examples, file)));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Service_declares_its_protocol_and_the_readiness_probe_agrees(
        string file, string name, BackendProtocol protocol, ProbeKind probeKind, string scheme)
    {
        var objects = Load(file);
        var service = Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Name == name);
        var deployment = Assert.Single(objects.OfType<V1Deployment>(), d => PodSpecs.Selects(service.Spec.Selector, d.Spec.Template.Metadata.Labels));
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name + "-pod", NamespaceProperty = service.Metadata.NamespaceProperty },
            Spec = deployment.Spec.Template.Spec,
        };
        var probes = PodProjection.Project(pod).ReadinessProbes;

        Assert.True(service.Metadata.Annotations.ContainsKey("plexus.dev/backend-protocol"));
        foreach (var port in service.Spec.Ports)
        {
            var diagnostics = new DiagnosticBag();
            var declaration = ProtocolDeclarationResolver.Resolve(service, port, [], diagnostics);
            Assert.Equal(0, diagnostics.Count);
            Assert.Equal(protocol, declaration.Protocol);

            var targetPort = TargetPort(port, deployment.Spec.Template.Spec);
            var probe = Assert.Single(probes, p => p.Port == targetPort);
            Assert.Equal(probeKind, probe.Kind);
            if (probeKind == ProbeKind.HttpGet)
            {
                Assert.Equal(scheme, probe.Scheme ?? "HTTP");
            }

            Assert.Null(ReadinessProbeChecker.Judge(probe, declaration.Protocol, targetPort));
        }
    }

    [Fact]
    public void Ingress_routes_with_tls_to_every_example_service_on_a_port_it_has()
    {
        var services = FileNames().SelectMany(Load).OfType<V1Service>().ToList();
        var ingress = Assert.Single(Load("ingress.yaml").OfType<V1Ingress>());

        Assert.Equal("plexus", ingress.Spec.IngressClassName);
        var tlsHosts = ingress.Spec.Tls.SelectMany(t => t.Hosts).ToHashSet();
        Assert.All(ingress.Spec.Tls, t => Assert.False(string.IsNullOrEmpty(t.SecretName)));
        var backends = ingress.Spec.Rules.SelectMany(r => r.Http.Paths.Select(p => (r.Host, p.Backend.Service))).ToList();
        Assert.Equal(["grpc-echo", "h2-echo", "http-echo"], backends.Select(b => b.Service.Name).Order(StringComparer.Ordinal));
        foreach (var (host, backend) in backends)
        {
            Assert.Contains(host, tlsHosts);
            var service = Assert.Single(services, s => s.Metadata.Name == backend.Name && s.Metadata.NamespaceProperty == ingress.Metadata.NamespaceProperty);
            Assert.Contains(service.Spec.Ports, p => p.Name == backend.Port.Name);
        }
    }

    private static int TargetPort(V1ServicePort port, V1PodSpec pod)
    {
        var target = port.TargetPort?.Value ?? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return int.TryParse(target, out var number)
            ? number
            : Assert.Single(pod.Containers.SelectMany(c => c.Ports ?? []), p => p.Name == target).ContainerPort;
    }

    private static IEnumerable<string> FileNames() =>
        Directory.GetFiles(RepositoryPaths.Examples, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    private static List<object> Load(string file)
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Examples, file));
        return [.. RenderedManifest.Parse(yaml).Objects.Select(o => $"{o.ApiVersion}/{o.Kind}" switch
        {
            "v1/Namespace" => (object)o.As<V1Namespace>(),
            "v1/Service" => o.As<V1Service>(),
            "apps/v1/Deployment" => o.As<V1Deployment>(),
            "networking.k8s.io/v1/Ingress" => o.As<V1Ingress>(),
            _ => throw new InvalidOperationException($"{file}: unexpected {o.ApiVersion} {o.Kind}"),
        })];
    }
}
