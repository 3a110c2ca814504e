using System.Net;
using k8s.Models;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Controller.Tests.Leadership;
using Plexus.Controller.Tests.Translation;
using static Plexus.Controller.Tests.Leadership.PlexusCluster;

namespace Plexus.Controller.Tests.Events;

/// <summary>Issue 4 end to end in Kubernetes mode: a wrong declaration becomes Events, a 502 that says why, and no traffic.</summary>
public sealed class ProtocolMismatchEventTests
{
    [Fact]
    public async Task H2c_declared_on_an_HTTP1_backend_gives_Events_on_the_Service_and_its_Ingress_and_a_clear_502()
    {
        await using var cluster = await PlexusCluster.StartAsync();
        var port = cluster.Backend.Port;
        cluster.Api.Create(K8s.Service(Ns, "grpc").Port(80, "grpc", targetPort: port).Annotation("plexus.dev/backend-protocol", "h2c").Build());
        cluster.Api.Create(K8s.Slice(Ns, "grpc-1", "grpc").Port(port, "grpc").Endpoint("127.0.0.1").Build());
        cluster.Api.Create(K8s.Ingress(Ns, "grpc-site").Rule("grpc.test").Path("/", "Prefix", "grpc", 80).Build());
        var app = await cluster.StartPlexusAsync("solo");

        await Poll.UntilAsync(() => MismatchEvents(cluster, "Service", "grpc").Count == 1, "an Event on the Service");
        await Poll.UntilAsync(() => MismatchEvents(cluster, "Ingress", "grpc-site").Count == 1, "an Event on the Ingress routing to it");
        var onService = Assert.Single(MismatchEvents(cluster, "Service", "grpc"));
        Assert.Equal("Warning", onService.Type);
        Assert.Contains("speaks HTTP/1.1 only", onService.Message, StringComparison.Ordinal);

        var before = cluster.Backend.Requests.Count;
        using var client = TrafficClient(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/call");
        request.Headers.Host = "grpc.test";
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("protocol-mismatch", Assert.Single(response.Headers.GetValues("X-Plexus-Error")));
        Assert.Contains("speaks HTTP/1.1 only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, cluster.Backend.Requests.Count);
    }

    private static List<Corev1Event> MismatchEvents(PlexusCluster cluster, string kind, string name) =>
        [.. cluster.Api.GetAll<Corev1Event>().Where(e => e.InvolvedObject.Kind == kind && e.InvolvedObject.Name == name && e.Reason == "BackendProtocolMismatch")];
}
