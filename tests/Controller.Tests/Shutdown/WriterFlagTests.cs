using Microsoft.Extensions.DependencyInjection;
using Plexus.Controller.Cli;
using Plexus.Controller.Hosting;
using Plexus.Controller.Tests.FakeApi;

namespace Plexus.Controller.Tests.Shutdown;

public sealed class WriterFlagTests
{
    [Fact]
    public void Writer_and_shutdown_flags_set_their_settings()
    {
        var line = CommandLine.Parse(
        [
            "--publish-service", "plexus-system/plexus", "--publish-address=127.0.0.1,localhost", "--update-status-on-shutdown",
            "--election-namespace", "plexus-system", "--election-id", "lease", "--drain-delay", "2.5", "--shutdown-timeout", "40",
        ]);

        Assert.Equal("plexus-system/plexus", line.Settings["Plexus:PublishService"]);
        Assert.Equal("127.0.0.1,localhost", line.Settings["Plexus:PublishAddress"]);
        Assert.Equal("true", line.Settings["Plexus:UpdateStatusOnShutdown"]);
        Assert.Equal("plexus-system", line.Settings["Plexus:ElectionNamespace"]);
        Assert.Equal("lease", line.Settings["Plexus:ElectionId"]);
        Assert.Equal("2.5", line.Settings["Plexus:DrainDelay"]);
        Assert.Equal("40", line.Settings["Plexus:ShutdownTimeout"]);
    }

    [Theory]
    [InlineData("Plexus:DrainDelay", "soon", "--drain-delay")]
    [InlineData("Plexus:DrainDelay", "25h", "--drain-delay")]
    [InlineData("Plexus:ShutdownTimeout", "-1", "--shutdown-timeout")]
    [InlineData("Plexus:PublishService", "no-slash", "--publish-service")]
    [InlineData("Plexus:PublishAddress", "127.0.0.1,not an address", "--publish-address")]
    public void Bad_values_stop_the_start_with_a_message_naming_the_flag(string key, string value, string flag)
    {
        using var kubeconfig = new Kubeconfig(new Uri("http://127.0.0.1:1/"));
        var exception = Assert.Throws<StartupException>(() => PlexusApplication.Create(new Dictionary<string, string?>
        {
            ["Plexus:Kubeconfig"] = kubeconfig.Path,
            [key] = value,
        }));
        Assert.Contains(flag, exception.Message, StringComparison.Ordinal);
    }
}

public sealed class DurationFlagTests
{
    [Theory]
    [InlineData("10", 10_000)]
    [InlineData("2.5", 2_500)]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    public void Drain_delay_takes_seconds_or_a_unit_as_charts_write_it(string value, int expectedMilliseconds)
    {
        var folder = Directory.CreateTempSubdirectory("plexus-duration-").FullName;
        try
        {
            var app = PlexusApplication.Create(new Dictionary<string, string?>
            {
                ["Plexus:Manifests"] = folder,
                ["Plexus:DrainDelay"] = value,
                ["Plexus:HttpPort"] = "0",
                ["Plexus:HttpsPort"] = "0",
                ["Plexus:AdminPort"] = "0",
            });
            var drain = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DrainOptions>>().Value;
            Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), drain.DrainDelay);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
