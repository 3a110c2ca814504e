using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Sources.Manifests;
using Plexus.Controller.Store;

namespace Plexus.Controller.Tests.Sources.Manifests;

/// <summary>The wiring Program uses: store + manifest source in a generic host.</summary>
public sealed class ManifestHostingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "plexus-host-" + Guid.NewGuid().ToString("N"));

    public ManifestHostingTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_host_with_the_manifest_source_fills_the_store_and_hands_out_changes()
    {
        File.WriteAllText(Path.Combine(_folder, "svc.yaml"), ManifestFolderSourceTests.Service("web"));
        using var host = Build(_folder);
        var store = host.Services.GetRequiredService<ResourceStore>();
        Assert.Same(store, host.Services.GetRequiredService<IResourceSink>());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        await host.StartAsync(timeout.Token);
        StoreChanges changes;
        do
        {
            changes = await store.WaitForChangesAsync(timeout.Token);
        }
        while (!changes.AllSynced);

        Assert.True(changes.State.Services.ContainsKey(new ObjectKey("default", "web")));
        await host.StopAsync(timeout.Token);
    }

    [Fact]
    public async Task A_host_does_not_start_when_the_folder_is_missing()
    {
        using var host = Build(Path.Combine(_folder, "missing"));

        var ex = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => host.StartAsync());

        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    private static IHost Build(string folder)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddResourceStore();
        builder.Services.AddManifestFolderSource(folder);
        return builder.Build();
    }
}
