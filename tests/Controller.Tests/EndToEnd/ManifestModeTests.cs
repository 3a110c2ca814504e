using System.Net;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// Manifest-folder mode end to end: YAML files in a temporary folder → Plexus → a real backend. Edits are waited for
/// through the proxy itself, never with a fixed delay.
/// </summary>
public sealed class ManifestModeTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexus-e2e-manifests-" + Guid.NewGuid().ToString("N"));
    private TestBackend _backend = null!;
    private PlexusUnderTest _plexus = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _backend = await TestBackend.StartAsync(TestBackendKind.Http1);
        Write("class.yaml", ManifestYaml.IngressClass);
        Write("backend.yaml", ManifestYaml.Backend("web", _backend));
        Write("b-ingress.yaml", ManifestYaml.Ingress("web", ("/first", "web")));
        Write("steady.yaml", ManifestYaml.Ingress("steady", ("/steady", "web")));
        _plexus = await PlexusUnderTest.StartAsync(new Dictionary<string, string?> { ["Plexus:Manifests"] = _folder });
        await _plexus.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await _plexus.DisposeAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_folder_is_served()
    {
        var response = await _plexus.GetAsync("/first/page");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("HTTP/1.1 GET /first/page", response.Body);
        Assert.Single(_backend.RequestsFor("/first/page"));
    }

    [Fact]
    public async Task Editing_a_file_changes_a_path_and_adding_one_adds_a_route()
    {
        await using var traffic = SteadyTraffic.Start(_plexus, "/steady", r => r.IsOk && r.Body == "HTTP/1.1 GET /steady");

        Write("b-ingress.yaml", ManifestYaml.Ingress("web", ("/moved", "web")));
        await _plexus.WaitForAsync("/moved", r => r.IsOk, "the edited path is served");
        Assert.True((await _plexus.GetAsync("/first")).IsNoRoute, "the old path is no longer routed");

        Write("b-ingress.yaml", ManifestYaml.Ingress("web", ("/moved", "web"), ("/second", "web")));
        await _plexus.WaitForAsync("/second", r => r.IsOk, "the path added to the file is served");
        Assert.True((await _plexus.GetAsync("/moved")).IsOk);

        Write("c-more.yaml", ManifestYaml.Ingress("more", ("/added", "web")));
        await _plexus.WaitForAsync("/added", r => r.IsOk, "the route of the new file is served");
        Assert.True((await _plexus.GetAsync("/moved")).IsOk);
        Assert.True((await _plexus.GetAsync("/second")).IsOk);

        await traffic.StopAndAssertNoFailuresAsync();
    }

    [Fact]
    public async Task A_broken_file_keeps_its_previous_routes_until_it_is_fixed()
    {
        Write("b-ingress.yaml", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: [this is not a mapping\n");
        // Files are read in name order: a read that sees this marker (a- sorts before b-) reads the broken file after
        // it was written, so once the marker's route is served the broken content has been seen too.
        Write("a-marker.yaml", ManifestYaml.Ingress("marker", ("/marker", "web")));

        await _plexus.WaitForAsync("/marker", r => r.IsOk, "the marker file is read");
        Assert.True((await _plexus.GetAsync("/first")).IsOk, "the broken file's previous Ingress still routes");

        Write("b-ingress.yaml", ManifestYaml.Ingress("web", ("/fixed", "web")));
        await _plexus.WaitForAsync("/fixed", r => r.IsOk, "the fixed file is served");
        Assert.True((await _plexus.GetAsync("/first")).IsNoRoute, "the old path is no longer routed");
    }

    // Written to a temporary name and moved into place, as editors and ConfigMap updates do, so no read sees half a file.
    private void Write(string name, string yaml)
    {
        var temporary = Path.Combine(_folder, "." + name + ".tmp");
        File.WriteAllText(temporary, yaml);
        File.Move(temporary, Path.Combine(_folder, name), overwrite: true);
    }
}
