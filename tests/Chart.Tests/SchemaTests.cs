namespace Plexus.Chart.Tests;

/// <summary>Wrong values stop helm with a message that names the value, before anything reaches a cluster.</summary>
public class SchemaTests
{
    public static TheoryData<string, string> BadValues() => new()
    {
        { "replicaCount=two", "/replicaCount': got string, want integer" },
        { "service.type=Foo", "/service/type': value must be one of 'LoadBalancer', 'NodePort', 'ClusterIP'" },
        { "kind=StatefulSet", "/kind': value must be one of 'Deployment', 'DaemonSet'" },
        { "rbac.scope=everything", "/rbac/scope': value must be one of 'cluster', 'namespace'" },
        { "image.pullPolicy=Sometimes", "/image/pullPolicy'" },
        { "service.externalTrafficPolicy=Global", "/service/externalTrafficPolicy'" },
        { "service.ports.http=70000", "/service/ports/http'" },
        { "controller.drainDelaySeconds=-1", "/controller/drainDelaySeconds'" },
        { "controller.limits.maxRequestHeaders=0", "/controller/limits/maxRequestHeaders': minimum: got 0, want 1" },
        { "controller.limits.http2MaxConcurrentStreams=many", "/controller/limits/http2MaxConcurrentStreams': got string, want integer" },
        { "controller.limits.keepaliveTimeout=75", "additional properties 'keepaliveTimeout' not allowed" },
        { "metrics.serviceMonitor.enabled=yes", "/metrics/serviceMonitor/enabled': got string, want boolean" },
        { "replicaCont=2", "additional properties 'replicaCont' not allowed" },
        { "service.typ=NodePort", "additional properties 'typ' not allowed" },
        { "controller.defaultTlsSecret=Not_A_Name", "/controller/defaultTlsSecret'" },
        { "controller.backend.readTimeout=soon", "/controller/backend/readTimeout'" },
    };

    public static TheoryData<string[], string> InconsistentValues() => new()
    {
        { ["kind=DaemonSet", "autoscaling.enabled=true"], "a DaemonSet cannot be autoscaled" },
        { ["autoscaling.enabled=true", "autoscaling.minReplicas=5", "autoscaling.maxReplicas=2"], "autoscaling.minReplicas must not exceed autoscaling.maxReplicas" },
        { ["podDisruptionBudget.enabled=true", "podDisruptionBudget.maxUnavailable=1"], "set minAvailable or maxUnavailable, not both" },
        { ["rbac.scope=namespace", "controller.watchNamespace=apps", "controller.defaultTlsSecret=certs/wildcard"], "may read Secrets only in apps, not in certs" },
        { ["metrics.serviceMonitor.enabled=true", "metrics.service.enabled=false"], "metrics.serviceMonitor.enabled needs metrics.service.enabled" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task Schema_rejects_a_wrong_value_naming_it(string set, string expectedMessage)
    {
        var result = await Helm.TemplateAsync("--set", set);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("values don't meet the specifications of the schema", result.Error, StringComparison.Ordinal);
        Assert.Contains(expectedMessage, result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Theory]
    [MemberData(nameof(InconsistentValues))]
    public async Task Values_that_contradict_each_other_fail_with_a_clear_message(string[] sets, string expectedMessage)
    {
        var result = await Helm.TemplateAsync([.. sets.SelectMany(s => new[] { "--set", s })]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expectedMessage, result.Error, StringComparison.Ordinal);
    }
}
