using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plexus.Controller.Cli;
using Plexus.Controller.Hosting;
using Plexus.Proxy.Listeners;

namespace Plexus.Controller.Tests.Hosting;

/// <summary>The client-limit flags: parsed with one-line errors naming the flag, and applied to Kestrel's limits.</summary>
public sealed class LimitFlagsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("plexus-limits-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Flags_reach_kestrels_limits()
    {
        var line = CommandLine.Parse(
        [
            "--manifests", _folder,
            "--max-request-header-bytes", "4096",
            "--max-request-headers=20",
            "--max-request-line-bytes", "1024",
            "--request-headers-timeout", "2500ms",
            "--keepalive-timeout=3m",
            "--http2-max-concurrent-streams", "7",
        ]);

        var limits = await KestrelLimitsAsync(line.Settings);

        Assert.Equal(4096, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(20, limits.MaxRequestHeaderCount);
        Assert.Equal(1024, limits.MaxRequestLineSize);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), limits.RequestHeadersTimeout);
        Assert.Equal(TimeSpan.FromMinutes(3), limits.KeepAliveTimeout);
        Assert.Equal(7, limits.Http2.MaxStreamsPerConnection);
    }

    [Fact]
    public async Task Without_flags_the_production_defaults_apply_not_kestrels()
    {
        var limits = await KestrelLimitsAsync(CommandLine.Parse(["--manifests", _folder]).Settings);

        Assert.Equal(16 * 1024, limits.MaxRequestHeadersTotalSize); // Kestrel: 32 KiB
        Assert.Equal(100, limits.MaxRequestHeaderCount);
        Assert.Equal(8 * 1024, limits.MaxRequestLineSize);
        Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout); // Kestrel: 30 s
        Assert.Equal(TimeSpan.FromSeconds(75), limits.KeepAliveTimeout); // Kestrel: 130 s
        Assert.Equal(100, limits.Http2.MaxStreamsPerConnection);
        Assert.Equal(PlexusListenerOptions.DefaultMaxRequestHeadersTotalSize, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(PlexusListenerOptions.DefaultRequestHeadersTimeout, limits.RequestHeadersTimeout);
        Assert.Equal(PlexusListenerOptions.DefaultKeepAliveTimeout, limits.KeepAliveTimeout);
    }

    [Theory]
    [InlineData("--max-request-header-bytes", "16k", "a whole number from 1024 to 1048576")]
    [InlineData("--max-request-header-bytes", "512", "a whole number from 1024 to 1048576")]
    [InlineData("--max-request-headers", "0", "a whole number from 1 to 10000")]
    [InlineData("--max-request-headers", "-5", "a whole number from 1 to 10000")]
    [InlineData("--max-request-line-bytes", "8192.5", "a whole number from 256 to 1048576")]
    [InlineData("--http2-max-concurrent-streams", "many", "a whole number from 1 to 10000")]
    [InlineData("--http2-max-concurrent-streams", "99999999999", "a whole number from 1 to 10000")]
    public void An_unparseable_count_is_a_one_line_error_naming_the_flag(string flag, string value, string expected)
    {
        var exception = Assert.Throws<CommandLineException>(() => CommandLine.Parse([flag, value]));

        Assert.Equal($"{flag} must be {expected}, not '{value}'", exception.Message);
    }

    [Theory]
    [InlineData("Plexus:RequestHeadersTimeout", "soon", "--request-headers-timeout")]
    [InlineData("Plexus:RequestHeadersTimeout", "0", "--request-headers-timeout")]
    [InlineData("Plexus:KeepaliveTimeout", "25h", "--keepalive-timeout")]
    [InlineData("Plexus:KeepaliveTimeout", "-1s", "--keepalive-timeout")]
    [InlineData("Plexus:MaxRequestHeaders", "0", "--max-request-headers")]
    [InlineData("Plexus:Http2MaxConcurrentStreams", "-1", "--http2-max-concurrent-streams")]
    public void A_bad_limit_stops_the_start_with_a_one_line_message_naming_the_flag(string key, string value, string flag)
    {
        var exception = Assert.Throws<StartupException>(() => PlexusApplication.Create(new Dictionary<string, string?>
        {
            ["Plexus:Manifests"] = _folder,
            [key] = value,
        }));

        Assert.StartsWith(flag + " must be ", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
    }

    private static async Task<KestrelServerLimits> KestrelLimitsAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["Plexus:HttpPort"] = "0",
            ["Plexus:HttpsPort"] = "0",
            ["Plexus:AdminPort"] = "0",
        };
        await using var app = PlexusApplication.Create(all);
        return app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
    }
}
