using System.Text.Json;
using k8s.Models;

namespace Plexus.Chart.Tests;

/// <summary>The chart rendered with the non-default values files of charts/plexus-ingress/ci.</summary>
public class ValuesFileTests
{
    private static readonly Lazy<Task<RenderedManifest>> Full = new(() => Helm.RenderWithValuesFileAsync(ValuesFiles.FullFeatures));

    private static readonly Lazy<Task<RenderedManifest>> DaemonSet = new(() => Helm.RenderWithValuesFileAsync(ValuesFiles.DaemonSetNodePort));

    [Fact]
    public async Task DaemonSet_kind_renders_a_daemon_set_and_no_deployment()
    {
        var manifest = await DaemonSet.Value;

        Assert.False(manifest.Has("Deployment"));
        var daemonSet = manifest.Single<V1DaemonSet>("DaemonSet");
        Assert.True(PodSpecs.Selects(daemonSet.Spec.Selector.MatchLabels, daemonSet.Spec.Template.Metadata.Labels));
        Assert.Equal("node-role.kubernetes.io/control-plane", Assert.Single(daemonSet.Spec.Template.Spec.Tolerations).Key);
        Assert.True(PodSpecs.Controller(manifest).SecurityContext.ReadOnlyRootFilesystem);
    }

    [Fact]
    public async Task NodePort_service_uses_the_fixed_node_ports_and_local_traffic_policy()
    {
        var manifest = await DaemonSet.Value;

        var service = manifest.Single<V1Service>("Service", "plexus-ingress");

        Assert.Equal("NodePort", service.Spec.Type);
        Assert.Equal("Local", service.Spec.ExternalTrafficPolicy);
        Assert.Equal([("http", 80, 30080), ("https", 443, 30443)], service.Spec.Ports.Select(p => (p.Name, p.Port, p.NodePort ?? 0)));
    }

    [Fact]
    public async Task Cluster_ip_service_has_no_node_ports_and_no_traffic_policy()
    {
        var manifest = await Full.Value;

        var service = manifest.Single<V1Service>("Service", "plexus-ingress");

        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.Null(service.Spec.ExternalTrafficPolicy);
        Assert.All(service.Spec.Ports, p => Assert.Null(p.NodePort));
    }

    [Fact]
    public async Task Service_monitor_scrapes_the_metrics_service()
    {
        var manifest = await Full.Value;

        var monitor = Assert.Single(manifest.OfKind("ServiceMonitor"));
        var metrics = manifest.Single<V1Service>("Service", "plexus-ingress-metrics");
        var spec = monitor.As<ServiceMonitor>().Spec;

        Assert.Equal("monitoring.coreos.com/v1", monitor.ApiVersion);
        Assert.Equal(Helm.ReleaseNamespace, monitor.Namespace);
        Assert.Equal("prometheus", monitor.As<ServiceMonitor>().Metadata.Labels["release"]);
        Assert.Equal([Helm.ReleaseNamespace], spec.NamespaceSelector.MatchNames);
        Assert.True(PodSpecs.Selects(spec.Selector.MatchLabels, metrics.Metadata.Labels));
        Assert.False(PodSpecs.Selects(spec.Selector.MatchLabels, manifest.Single<V1Service>("Service", "plexus-ingress").Metadata.Labels));
        var endpoint = Assert.Single(spec.Endpoints);
        Assert.Equal(("metrics", "/metrics"), (endpoint.Port, endpoint.Path));
        Assert.Contains(metrics.Spec.Ports, p => p.Name == endpoint.Port);
    }

    [Fact]
    public async Task Horizontal_pod_autoscaler_scales_the_deployment_which_then_leaves_replicas_alone()
    {
        var manifest = await Full.Value;

        var hpa = manifest.Single<V2HorizontalPodAutoscaler>("HorizontalPodAutoscaler");
        var deployment = manifest.Single<V1Deployment>("Deployment");

        Assert.Equal(("Deployment", deployment.Metadata.Name), (hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.Equal((3, 12), (hpa.Spec.MinReplicas ?? 0, hpa.Spec.MaxReplicas));
        Assert.Equal([("cpu", 70), ("memory", 80)], hpa.Spec.Metrics.Select(m => (m.Resource.Name, m.Resource.Target.AverageUtilization ?? 0)));
        Assert.Null(deployment.Spec.Replicas);
    }

    [Fact]
    public async Task Pod_disruption_budget_selects_the_controller_pods()
    {
        var manifest = await Full.Value;

        var pdb = manifest.Single<V1PodDisruptionBudget>("PodDisruptionBudget");

        Assert.Equal("1", pdb.Spec.MaxUnavailable.Value);
        Assert.Null(pdb.Spec.MinAvailable);
        Assert.True(PodSpecs.Selects(pdb.Spec.Selector.MatchLabels, PodSpecs.Template(manifest).Metadata.Labels));
    }

    [Fact]
    public async Task Pod_disruption_budget_defaults_to_min_available_one()
    {
        var manifest = await Helm.RenderAsync("--set", "podDisruptionBudget.enabled=true");

        var pdb = manifest.Single<V1PodDisruptionBudget>("PodDisruptionBudget");

        Assert.Equal("1", pdb.Spec.MinAvailable.Value);
        Assert.Null(pdb.Spec.MaxUnavailable);
    }

    [Fact]
    public async Task Flags_carry_the_default_certificate_status_and_metrics_options_and_extra_args()
    {
        var manifest = await Full.Value;

        Assert.Equal(
        [
            "--ingress-class=plexus",
            "--http-port=8080",
            "--https-port=8443",
            "--admin-port=10254",
            "--publish-service=plexus-system/plexus-ingress",
            "--default-ssl-certificate=plexus-system/wildcard-tls",
            "--update-status-on-shutdown",
            "--metrics-per-host",
            "--drain-delay=30s",
            "--shutdown-timeout=60s",
            "--max-request-header-bytes=16384",
            "--max-request-headers=100",
            "--max-request-line-bytes=8192",
            "--request-headers-timeout=10s",
            "--keepalive-timeout=75s",
            "--http2-max-concurrent-streams=100",
            "--backend-connect-timeout=2s",
            "--backend-read-timeout=5m",
            "--backend-idle-timeout=30s",
            "--allow-external-name",
            "--watch-namespace=team-a",
        ], PodSpecs.Args(manifest));
        Assert.Equal(30 + 60 + 5, PodSpecs.Template(manifest).Spec.TerminationGracePeriodSeconds);
    }

    [Fact]
    public async Task Default_certificate_in_another_namespace_is_passed_as_given()
    {
        var manifest = await Helm.RenderAsync("--set", "controller.defaultTlsSecret=certs/wildcard");

        Assert.Equal("certs/wildcard", PodSpecs.Flag(manifest, "--default-ssl-certificate"));
    }

    [Fact]
    public async Task Without_the_traffic_service_the_publish_address_is_used()
    {
        var manifest = await Helm.RenderAsync("--set", "service.enabled=false", "--set", "controller.publishAddress=lb.example.com");

        Assert.Null(PodSpecs.Flag(manifest, "--publish-service"));
        Assert.Equal("lb.example.com", PodSpecs.Flag(manifest, "--publish-address"));
        Assert.DoesNotContain(manifest.OfKind("Service"), s => s.Name == "plexus-ingress");
    }

    [Fact]
    public async Task Image_pod_and_scheduling_values_reach_the_pod()
    {
        var manifest = await Full.Value;
        var pod = PodSpecs.Template(manifest);

        Assert.Equal("registry.example.com/plexus/controller:1.2.3", PodSpecs.Controller(manifest).Image);
        Assert.Equal("regcred", Assert.Single(pod.Spec.ImagePullSecrets).Name);
        Assert.Equal("system-cluster-critical", pod.Spec.PriorityClassName);
        Assert.Equal("topology.kubernetes.io/zone", Assert.Single(pod.Spec.TopologySpreadConstraints).TopologyKey);
        Assert.Equal("edge", pod.Metadata.Annotations["example.com/team"]);
    }

    [Fact]
    public async Task Default_ingress_class_carries_the_default_class_annotation()
    {
        var manifest = await Full.Value;

        var ingressClass = manifest.Single<V1IngressClass>("IngressClass", "plexus");

        Assert.Equal("true", ingressClass.Metadata.Annotations["ingressclass.kubernetes.io/is-default-class"]);
    }

    [Fact]
    public async Task Grafana_dashboard_config_map_holds_a_dashboard_on_the_metrics_plexus_exports()
    {
        var manifest = await Full.Value;

        var configMap = manifest.Single<V1ConfigMap>("ConfigMap");
        Assert.Equal("1", configMap.Metadata.Labels["grafana_dashboard"]);
        using var dashboard = JsonDocument.Parse(Assert.Single(configMap.Data).Value);

        Assert.Equal("Plexus Ingress", dashboard.RootElement.GetProperty("title").GetString());
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString())
            .ToList();
        foreach (var metric in new[]
                 {
                     "plexus_requests_total", "plexus_request_duration_seconds_bucket", "plexus_upstream_failures_total",
                     "plexus_backend_protocol_verdict", "plexus_snapshot_builds_total",
                     "plexus_snapshot_build_duration_seconds_bucket", "plexus_tls_certificate_expiry_timestamp_seconds",
                 })
        {
            Assert.Contains(expressions, e => e!.Contains(metric, StringComparison.Ordinal));
        }
    }

    /// <summary>The part of a Prometheus Operator ServiceMonitor the tests read.</summary>
    private sealed class ServiceMonitor
    {
        public V1ObjectMeta Metadata { get; set; } = new();

        public ServiceMonitorSpec Spec { get; set; } = new();

        public string ApiVersion { get; set; } = string.Empty;

        public string Kind { get; set; } = string.Empty;
    }

    private sealed class ServiceMonitorSpec
    {
        public V1LabelSelector Selector { get; set; } = new();

        public ServiceMonitorNamespaceSelector NamespaceSelector { get; set; } = new();

        public List<ServiceMonitorEndpoint> Endpoints { get; set; } = [];
    }

    private sealed class ServiceMonitorNamespaceSelector
    {
        public List<string> MatchNames { get; set; } = [];
    }

    private sealed class ServiceMonitorEndpoint
    {
        public string Port { get; set; } = string.Empty;

        public string Path { get; set; } = string.Empty;

        public string Interval { get; set; } = string.Empty;

        public string ScrapeTimeout { get; set; } = string.Empty;
    }
}
