using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Store;
using Plexus.Controller.Tests.FakeApi;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

public sealed class KubernetesSourceRegistrationTests
{
    [Fact]
    public async Task Hosted_service_binds_options_and_feeds_the_registered_sink()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        using var client = api.CreateClient();
        api.Create(Objects.Service("team-a", "a"));
        api.Create(Objects.Service("team-b", "b"));
        var sink = new RecordingSink();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kubernetes:WatchNamespace"] = "team-b",
                ["Kubernetes:InitialBackoff"] = "00:00:00.050",
                ["Kubernetes:WatchTimeout"] = "00:02:00",
            })
            .Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IResourceSink>(sink)
            .AddSingleton<IKubernetes>(client)
            .AddKubernetesSource(configuration.GetSection(KubernetesSourceOptions.SectionName), o => o.WatchNamespace = "team-a");
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KubernetesSourceOptions>>().Value;
        Assert.Equal(("team-a", TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(2)), (options.WatchNamespace, options.InitialBackoff, options.WatchTimeout));
        var source = Assert.Single(provider.GetServices<IHostedService>().OfType<KubernetesSource>());

        await source.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => Enum.GetValues<ResourceKind>().All(k => sink.Current(k) is not null), "every kind listed");
        await Poll.UntilAsync(() => api.CountRequests(FakeResources.Services, "watch") > 0, "services watched");
        await source.StopAsync(CancellationToken.None);

        Assert.Equal([new ObjectKey("team-a", "a")], sink.Current(ResourceKind.Service)!.Keys);
        Assert.All(api.RequestsFor(FakeResources.Services, "list"), r => Assert.Equal("team-a", r.Namespace));
        Assert.Equal(120, api.RequestsFor(FakeResources.Services, "watch")[0].TimeoutSeconds);
    }

    [Fact]
    public async Task Client_factory_reads_a_kubeconfig_file()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Create(Objects.Service("default", "a"));
        using var kubeconfig = new Kubeconfig(api.BaseAddress);
        using var client = KubernetesClientFactory.Create(new KubernetesSourceOptions { Kubeconfig = kubeconfig.Path });

        var services = await client.CoreV1.ListNamespacedServiceAsync("default");

        Assert.Equal("a", Assert.Single(services.Items).Metadata.Name);
    }

    [Fact]
    public void Api_access_covers_every_kind_the_source_lists_and_watches()
    {
        foreach (var resource in SourceHarness.SourceResources)
        {
            var verbs = KubernetesApiAccess.Required
                .Where(a => a.Group == resource.Group && a.Resource == resource.Plural)
                .SelectMany(a => a.Verbs)
                .ToHashSet();
            Assert.True(verbs.IsSupersetOf(["list", "watch"]), $"{resource} needs list and watch, has {string.Join(",", verbs)}");
        }
    }
}
