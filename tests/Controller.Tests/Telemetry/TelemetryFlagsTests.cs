using Plexus.Controller.Cli;

namespace Plexus.Controller.Tests.Telemetry;

public sealed class TelemetryFlagsTests
{
    [Theory]
    [InlineData("--metrics-per-host", "MetricsPerHost", "true")]
    [InlineData("--access-log", "AccessLog", "true")]
    [InlineData("--access-log=false", "AccessLog", "false")]
    [InlineData("--request-metrics=false", "RequestMetrics", "false")]
    public void Telemetry_switches_set_their_options(string flag, string key, string value)
    {
        var parsed = CommandLine.Parse([flag]);

        Assert.Equal(value, parsed.Settings[$"{ControllerOptions.SectionName}:{key}"]);
    }

    [Fact]
    public void Defaults_keep_request_metrics_on_and_the_rest_off()
    {
        var options = new ControllerOptions();

        Assert.True(options.RequestMetrics);
        Assert.False(options.MetricsPerHost);
        Assert.False(options.AccessLog);
    }
}
