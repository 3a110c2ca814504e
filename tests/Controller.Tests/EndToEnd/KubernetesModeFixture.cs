using System.Net;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Testing;
using static Plexus.Controller.Tests.EndToEnd.KubernetesObjects;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// The fake API server, Plexus reading it through a kubeconfig file, and one route (/steady) that no test changes:
/// tests add their own objects under their own names and send steady traffic to /steady while they change them.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes a fixture through IAsyncLifetime.DisposeAsync.")]
public sealed class KubernetesModeFixture : IAsyncLifetime
{
    public const string SteadyPath = "/steady";

    private Kubeconfig? _kubeconfig;

    public FakeKubernetesApi Api { get; private set; } = null!;

    public PlexusUnderTest Plexus { get; private set; } = null!;

    public TestBackend SteadyBackend { get; private set; } = null!;

    /// <summary>Settings that make the source retry quickly, so waits after a refused or dropped request stay short.</summary>
    public static Dictionary<string, string?> KubernetesSettings(Kubeconfig kubeconfig) => new()
    {
        ["Plexus:Kubeconfig"] = kubeconfig.Path,
        ["Kubernetes:InitialBackoff"] = "00:00:00.020",
        ["Kubernetes:MaxBackoff"] = "00:00:00.300",
    };

    public async Task InitializeAsync()
    {
        Api = await FakeKubernetesApi.StartAsync();
        SteadyBackend = await TestBackend.StartAsync(TestBackendKind.Http1);
        Api.Create(PlexusClass());
        Api.Create(Service("steady"));
        Api.Create(Slice("steady", "steady-1", SteadyBackend));
        Api.Create(Ingress("steady", (SteadyPath, "steady")));

        _kubeconfig = new Kubeconfig(Api.BaseAddress);
        Plexus = await PlexusUnderTest.StartAsync(KubernetesSettings(_kubeconfig));
        await Plexus.WaitUntilReadyAsync();
        await Plexus.WaitForAsync(SteadyPath, r => r.IsOk, "the steady route is served");
    }

    /// <summary>Starts sending requests to /steady; each must reach the steady backend.</summary>
    public SteadyTraffic StartSteadyTraffic() =>
        SteadyTraffic.Start(Plexus, SteadyPath, r => r.Status == HttpStatusCode.OK && r.Body.StartsWith("HTTP/1.1 GET /steady", StringComparison.Ordinal));

    public async Task DisposeAsync()
    {
        if (Plexus is not null)
        {
            await Plexus.DisposeAsync();
        }

        if (SteadyBackend is not null)
        {
            await SteadyBackend.DisposeAsync();
        }

        if (Api is not null)
        {
            await Api.DisposeAsync();
        }

        _kubeconfig?.Dispose();
    }
}
