namespace Plexus.Chart.Tests;

/// <summary>What `helm install` prints: how to route a first Service, with the protocol annotation.</summary>
public class NotesTests
{
    public static TheoryData<string[], string> Installs() => new()
    {
        { Array.Empty<string>(), "get service plexus-ingress -w" },
        { new[] { "--set", "service.type=NodePort" }, "node ports" },
        { new[] { "--set", "service.type=ClusterIP" }, "port-forward service/plexus-ingress 8080:80" },
        { new[] { "--set", "kind=DaemonSet", "--set", "ingressClass.name=edge" }, "port-forward daemonset/plexus-ingress 10254" },
    };

    [Theory]
    [MemberData(nameof(Installs))]
    public async Task Notes_explain_the_first_route_with_the_protocol_annotation(string[] sets, string expected)
    {
        var result = await Helm.RunAsync(
            ["install", Helm.ReleaseName, RepositoryPaths.Chart, "--namespace", Helm.ReleaseNamespace, "--dry-run=client", "--values", Helm.InstallValuesFile, .. sets]);

        Assert.True(result.ExitCode == 0, result.Describe());
        var notes = result.Output[result.Output.IndexOf("NOTES:", StringComparison.Ordinal)..];
        Assert.Contains("plexus.dev/backend-protocol: h2c", notes, StringComparison.Ordinal);
        Assert.Contains($"ingressClassName: {(sets.Contains("ingressClass.name=edge") ? "edge" : "plexus")}", notes, StringComparison.Ordinal);
        Assert.Contains(expected, notes, StringComparison.Ordinal);
    }
}
