using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Controller.Sources.Manifests;
using Plexus.Controller.Store;

namespace Plexus.Controller.Tests.Sources.Manifests;

/// <summary>The example in deploy/local must keep parsing into what its README promises.</summary>
public class LocalDeployManifestsTests
{
    [Fact]
    public async Task Deploy_local_manifests_parse_into_the_expected_objects()
    {
        var store = new ResourceStore(Options.Create(new ResourceStoreOptions()), TimeProvider.System);
        var log = new CapturingLogger<ManifestFolderSource>();
        using var source = new ManifestFolderSource(
            Options.Create(new ManifestFolderOptions { Directory = Path.Combine(RepositoryRoot(), "deploy", "local", "manifests") }),
            store,
            log);

        await source.ReloadAsync(CancellationToken.None);

        Assert.Empty(log.At(LogLevel.Error));
        Assert.Empty(log.At(LogLevel.Warning));
        var state = store.Current;
        Assert.Equal("plexus.dev/ingress-controller", state.IngressClasses[new ObjectKey("", "plexus")].Spec.Controller);

        foreach (var (service, protocol, port) in new[] { ("local-h1", "http", 19001), ("local-h2c", "h2c", 19002), ("local-h2", "h2", 19003) })
        {
            var svc = state.Services[new ObjectKey("default", service)];
            Assert.Equal(protocol, svc.Metadata.Annotations["plexus.dev/backend-protocol"]);
            var slice = Assert.Single(state.EndpointSlices.Values, s => s.Metadata.Labels[ResourceStore.ServiceNameLabel] == service);
            Assert.Equal(["127.0.0.1"], slice.Endpoints.SelectMany(e => e.Addresses));
            Assert.Equal(port, Assert.Single(slice.Ports).Port);
            Assert.Equal(svc.Spec.Ports[0].Name, slice.Ports[0].Name);
        }

        var ingress = state.Ingresses[new ObjectKey("default", "local")];
        Assert.Equal("plexus", ingress.Spec.IngressClassName);
        var backends = ingress.Spec.Rules
            .SelectMany(r => r.Http.Paths.Select(p => (Host: r.Host ?? "*", p.Path, p.Backend.Service.Name, Port: p.Backend.Service.Port.Number)))
            .ToList();
        Assert.Contains(("*", "/h1", "local-h1", (int?)80), backends);
        Assert.Contains(("*", "/h2c", "local-h2c", (int?)80), backends);
        Assert.Contains(("*", "/h2", "local-h2", (int?)443), backends);
        Assert.Contains(("h2c.localhost", "/", "local-h2c", (int?)80), backends);
        Assert.All(backends, b => Assert.Contains(new ObjectKey("default", b.Name), state.Services.Keys));
    }

    [Theory]
    [InlineData("deploy/local/manifests")]
    [InlineData("deploy/examples")]
    public void The_shipped_manifests_have_no_unknown_fields_or_kinds_meant_for_Plexus_that_it_skips(string folder)
    {
        var files = Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), folder), "*.yaml").ToList();
        Assert.NotEmpty(files);

        var problems = files.SelectMany(f => ManifestParser.Parse(File.ReadAllText(f)).Problems).ToList();

        Assert.DoesNotContain(problems, p => p.Kind is ManifestProblemKind.UnknownField or ManifestProblemKind.UnreadKind);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ingress.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Ingress.sln not found above " + AppContext.BaseDirectory);
    }
}
