using k8s.Models;

namespace Plexus.Chart.Tests;

/// <summary>The chart rendered with its default values: what `helm install plexus` gives.</summary>
public class DefaultValuesTests
{
    private const string FullName = "plexus-ingress";

    private static readonly Lazy<Task<RenderedManifest>> Rendered = new(() => Helm.RenderAsync());

    [Fact]
    public async Task Renders_exactly_the_expected_objects()
    {
        var manifest = await Rendered.Value;

        var kinds = manifest.Objects.Select(o => $"{o.Kind}/{o.Name}").Order(StringComparer.Ordinal);

        Assert.Equal(
        [
            "ClusterRole/plexus-ingress",
            "ClusterRoleBinding/plexus-ingress",
            "Deployment/plexus-ingress",
            "IngressClass/plexus",
            "Role/plexus-ingress-leader-election",
            "RoleBinding/plexus-ingress-leader-election",
            "Service/plexus-ingress",
            "Service/plexus-ingress-metrics",
            "ServiceAccount/plexus-ingress",
        ], kinds);
    }

    [Fact]
    public async Task Namespaced_objects_are_in_the_release_namespace()
    {
        var manifest = await Rendered.Value;
        string[] clusterScoped = ["ClusterRole", "ClusterRoleBinding", "IngressClass"];

        foreach (var obj in manifest.Objects)
        {
            Assert.True(
                clusterScoped.Contains(obj.Kind) ? obj.Namespace is null : obj.Namespace == Helm.ReleaseNamespace,
                $"{obj} has namespace '{obj.Namespace}'");
        }
    }

    [Fact]
    public async Task Deployment_runs_two_replicas_of_the_image_of_the_app_version()
    {
        var manifest = await Rendered.Value;

        var deployment = manifest.Single<V1Deployment>("Deployment", FullName);

        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal(Helm.ImageRepository + ":0.1.0", PodSpecs.Controller(manifest).Image);
        Assert.Equal(FullName, deployment.Spec.Template.Spec.ServiceAccountName);
    }

    [Fact]
    public async Task Image_digest_wins_over_the_tag()
    {
        const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        var manifest = await Helm.RenderAsync("--set", "image.tag=9.9.9", "--set", "image.digest=" + Digest);

        Assert.Equal(Helm.ImageRepository + "@" + Digest, PodSpecs.Controller(manifest).Image);
    }

    [Fact]
    public async Task Pod_runs_non_root_with_read_only_root_filesystem_no_capabilities_and_runtime_default_seccomp()
    {
        var manifest = await Rendered.Value;
        var pod = PodSpecs.Template(manifest).Spec;
        var container = PodSpecs.Controller(manifest).SecurityContext;

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal(1654, pod.SecurityContext.RunAsUser); // the app user of the chiseled .NET images
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.True(container.RunAsNonRoot);
        Assert.True(container.ReadOnlyRootFilesystem);
        Assert.False(container.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.Capabilities.Drop);
        Assert.Null(container.Capabilities.Add);
        Assert.Null(container.Privileged);
        Assert.Equal("RuntimeDefault", container.SeccompProfile.Type);
    }

    [Fact]
    public async Task Tmp_is_a_writable_empty_dir_because_the_root_filesystem_is_read_only()
    {
        var manifest = await Rendered.Value;

        var mount = Assert.Single(PodSpecs.Controller(manifest).VolumeMounts, m => m.MountPath == "/tmp");
        Assert.NotEqual(true, mount.ReadOnlyProperty);
        var volume = Assert.Single(PodSpecs.Template(manifest).Spec.Volumes, v => v.Name == mount.Name);
        Assert.NotNull(volume.EmptyDir);
    }

    [Fact]
    public async Task Container_exposes_http_https_and_admin_ports()
    {
        var manifest = await Rendered.Value;

        var ports = PodSpecs.Controller(manifest).Ports.Select(p => (p.Name, p.ContainerPort, p.Protocol));

        Assert.Equal([("http", 8080, "TCP"), ("https", 8443, "TCP"), ("admin", 10254, "TCP")], ports);
        Assert.Equal("8080", PodSpecs.Flag(manifest, "--http-port"));
        Assert.Equal("8443", PodSpecs.Flag(manifest, "--https-port"));
        Assert.Equal("10254", PodSpecs.Flag(manifest, "--admin-port"));
    }

    [Fact]
    public async Task Liveness_is_healthz_and_readiness_is_readyz_on_the_admin_port()
    {
        var manifest = await Rendered.Value;
        var container = PodSpecs.Controller(manifest);

        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("admin", container.LivenessProbe.HttpGet.Port.Value);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("admin", container.ReadinessProbe.HttpGet.Port.Value);
    }

    [Fact]
    public async Task Termination_grace_period_covers_drain_delay_and_shutdown_timeout()
    {
        var manifest = await Rendered.Value;

        Assert.Equal("10s", PodSpecs.Flag(manifest, "--drain-delay"));
        Assert.Equal("20s", PodSpecs.Flag(manifest, "--shutdown-timeout"));
        Assert.Equal(10 + 20 + 5, PodSpecs.Template(manifest).Spec.TerminationGracePeriodSeconds);
    }

    [Fact]
    public async Task Controller_flags_are_exactly_the_default_set()
    {
        var manifest = await Rendered.Value;

        Assert.Equal(
        [
            "--ingress-class=plexus",
            "--http-port=8080",
            "--https-port=8443",
            "--admin-port=10254",
            "--publish-service=plexus-system/plexus-ingress",
            "--drain-delay=10s",
            "--shutdown-timeout=20s",
            "--max-request-header-bytes=16384",
            "--max-request-headers=100",
            "--max-request-line-bytes=8192",
            "--request-headers-timeout=10s",
            "--keepalive-timeout=75s",
            "--http2-max-concurrent-streams=100",
            "--backend-connect-timeout=5s",
            "--backend-read-timeout=60s",
            "--backend-idle-timeout=90s",
        ], PodSpecs.Args(manifest));
    }

    [Fact]
    public async Task Traffic_service_is_a_load_balancer_from_80_and_443_to_the_named_container_ports()
    {
        var manifest = await Rendered.Value;

        var service = manifest.Single<V1Service>("Service", FullName);

        Assert.Equal("LoadBalancer", service.Spec.Type);
        Assert.Null(service.Spec.ExternalTrafficPolicy);
        Assert.Equal(
            [("http", 80, "http"), ("https", 443, "https")],
            service.Spec.Ports.Select(p => (p.Name, p.Port, p.TargetPort.Value)));
        Assert.True(PodSpecs.Selects(service.Spec.Selector, PodSpecs.Template(manifest).Metadata.Labels));
    }

    [Fact]
    public async Task Publish_service_names_the_charts_own_traffic_service()
    {
        var manifest = await Rendered.Value;
        var service = manifest.Single<V1Service>("Service", FullName);

        Assert.Equal($"{service.Metadata.NamespaceProperty}/{service.Metadata.Name}", PodSpecs.Flag(manifest, "--publish-service"));
    }

    [Fact]
    public async Task Metrics_service_exposes_the_admin_port_inside_the_cluster_only()
    {
        var manifest = await Rendered.Value;

        var service = manifest.Single<V1Service>("Service", FullName + "-metrics");

        Assert.Equal("ClusterIP", service.Spec.Type);
        var port = Assert.Single(service.Spec.Ports);
        Assert.Equal(("metrics", 10254, "admin"), (port.Name, port.Port, port.TargetPort.Value));
        Assert.Equal("metrics", service.Metadata.Labels["app.kubernetes.io/component"]);
        Assert.True(PodSpecs.Selects(service.Spec.Selector, PodSpecs.Template(manifest).Metadata.Labels));
    }

    [Fact]
    public async Task Ingress_class_plexus_belongs_to_the_plexus_controller_and_is_not_the_default()
    {
        var manifest = await Rendered.Value;

        var ingressClass = manifest.Single<V1IngressClass>("IngressClass", "plexus");

        Assert.Equal("plexus.dev/ingress-controller", ingressClass.Spec.Controller);
        Assert.Null(ingressClass.Metadata.Annotations);
    }

    [Fact]
    public async Task Workload_selector_matches_its_pod_labels()
    {
        var manifest = await Rendered.Value;

        var deployment = manifest.Single<V1Deployment>("Deployment", FullName);

        Assert.True(PodSpecs.Selects(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels));
    }

    [Fact]
    public async Task Resources_and_os_node_selector_are_set()
    {
        var manifest = await Rendered.Value;

        var container = PodSpecs.Controller(manifest);

        Assert.Equal("100m", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("128Mi", container.Resources.Requests["memory"].ToString());
        Assert.Equal("linux", PodSpecs.Template(manifest).Spec.NodeSelector["kubernetes.io/os"]);
    }
}
