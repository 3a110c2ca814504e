using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexus.Proxy.Hosting;
using Plexus.Proxy.Model;
using static Plexus.Proxy.Tests.Forwarding.TestSnapshots;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>When snapshots may be applied relative to the host's lifecycle.</summary>
public sealed class ApplyLifecycleTests
{
    private static readonly ProxySnapshot Snapshot =
        new(1, [.. CatchAll("c")], [Cluster("c", BackendProtocol.Http, ("127.0.0.1", 1))], [], []);

    [Fact]
    public async Task Apply_after_mapping_works_before_the_host_starts()
    {
        await using var app = Build();
        app.MapPlexusProxy();

        var result = await app.Services.GetRequiredService<ISnapshotApplier>().ApplyAsync(Snapshot, CancellationToken.None);

        Assert.True(result.Applied, string.Join("; ", result.Errors));
    }

    [Fact]
    public async Task Apply_before_mapping_is_rejected_with_a_clear_error()
    {
        await using var app = Build();

        var result = await app.Services.GetRequiredService<ISnapshotApplier>().ApplyAsync(Snapshot, CancellationToken.None);

        Assert.False(result.Applied);
        Assert.Contains(result.Errors, e => e.Contains("MapPlexusProxy", StringComparison.Ordinal));
    }

    private static WebApplication Build()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddPlexusProxy();
        return builder.Build();
    }
}
