using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Controller.Cli;
using Plexus.Controller.Hosting;
using Plexus.Proxy.Hosting;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>The global backend timeouts: flags → the proxy's options → what a request to a silent backend gets.</summary>
public sealed class BackendTimeoutTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("plexus-timeouts-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Without_flags_the_timeouts_are_the_former_fixed_values()
    {
        var proxy = await ProxyOptionsAsync();

        Assert.Equal(TimeSpan.FromSeconds(5), proxy.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), proxy.DefaultRequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), proxy.PooledConnectionIdleTimeout);
    }

    [Fact]
    public async Task The_flags_set_connect_read_and_idle_timeouts()
    {
        var proxy = await ProxyOptionsAsync("--backend-connect-timeout=2s", "--backend-read-timeout", "90", "--backend-idle-timeout=500ms");

        Assert.Equal(TimeSpan.FromSeconds(2), proxy.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), proxy.DefaultRequestTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), proxy.PooledConnectionIdleTimeout);
    }

    [Theory]
    [InlineData("--backend-connect-timeout", "0", "--backend-connect-timeout must be a duration")]
    [InlineData("--backend-read-timeout", "soon", "--backend-read-timeout must be a duration")]
    [InlineData("--backend-idle-timeout", "25h", "--backend-idle-timeout must be a duration")]
    public void A_bad_timeout_is_a_startup_error_naming_the_flag(string flag, string value, string expected)
    {
        var settings = CommandLine.Parse(["--manifests", _folder, flag, value]).Settings;

        var exception = Assert.Throws<StartupException>(() => PlexusApplication.Create(settings));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_silent_past_the_read_timeout_gets_504_timeout()
    {
        await using var silent = MisbehavingServer.Start(Misbehavior.NeverAnswer);
        await File.WriteAllTextAsync(Path.Combine(_folder, "class.yaml"), ManifestYaml.IngressClass);
        await File.WriteAllTextAsync(Path.Combine(_folder, "backend.yaml"), ManifestYaml.Backend("silent", silent.Host, silent.Port));
        await File.WriteAllTextAsync(Path.Combine(_folder, "ingress.yaml"), ManifestYaml.Ingress("silent", ("/", "silent")));
        await using var plexus = await PlexusUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Plexus:Manifests"] = _folder,
            ["Plexus:BackendReadTimeout"] = "300ms",
        });
        await plexus.WaitUntilReadyAsync();

        // The bound only keeps a broken build from hanging; the default read timeout (60 s) would exceed it.
        var response = await plexus.GetAsync("/").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.Status);
        Assert.Equal("timeout", response.PlexusError);
    }

    private async Task<PlexusProxyOptions> ProxyOptionsAsync(params string[] flags)
    {
        var settings = CommandLine.Parse(["--manifests", _folder, .. flags]).Settings;
        await using var app = PlexusApplication.Create(settings, builder => builder.Logging.ClearProviders());
        return app.Services.GetRequiredService<IOptions<PlexusProxyOptions>>().Value;
    }
}
