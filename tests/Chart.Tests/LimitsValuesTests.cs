using System.Globalization;
using Plexus.Proxy.Listeners;

namespace Plexus.Chart.Tests;

/// <summary>controller.limits: each value is passed as its controller flag, and the chart's defaults are the controller's.</summary>
public class LimitsValuesTests
{
    [Fact]
    public async Task Default_limits_are_the_controllers_own_defaults()
    {
        var manifest = await Helm.RenderAsync();

        Assert.Equal(Invariant(PlexusListenerOptions.DefaultMaxRequestHeadersTotalSize), PodSpecs.Flag(manifest, "--max-request-header-bytes"));
        Assert.Equal(Invariant(PlexusListenerOptions.DefaultMaxRequestHeaderCount), PodSpecs.Flag(manifest, "--max-request-headers"));
        Assert.Equal(Invariant(PlexusListenerOptions.DefaultMaxRequestLineSize), PodSpecs.Flag(manifest, "--max-request-line-bytes"));
        Assert.Equal(Seconds(PlexusListenerOptions.DefaultRequestHeadersTimeout), PodSpecs.Flag(manifest, "--request-headers-timeout"));
        Assert.Equal(Seconds(PlexusListenerOptions.DefaultKeepAliveTimeout), PodSpecs.Flag(manifest, "--keepalive-timeout"));
        Assert.Equal(Invariant(PlexusListenerOptions.DefaultHttp2MaxStreamsPerConnection), PodSpecs.Flag(manifest, "--http2-max-concurrent-streams"));
    }

    public static TheoryData<string, string, string> ValueToFlag() => new()
    {
        // Values above a million: helm reads numbers from values files as floats and would print 1.048576e+06.
        { "maxRequestHeaderBytes: 1048576", "--max-request-header-bytes", "1048576" },
        { "maxRequestHeaders: 250", "--max-request-headers", "250" },
        { "maxRequestLineBytes: 16384", "--max-request-line-bytes", "16384" },
        { "requestHeadersTimeoutSeconds: 5", "--request-headers-timeout", "5s" },
        { "keepaliveTimeoutSeconds: 3600", "--keepalive-timeout", "3600s" },
        { "http2MaxConcurrentStreams: 1000", "--http2-max-concurrent-streams", "1000" },
    };

    [Theory]
    [MemberData(nameof(ValueToFlag))]
    public async Task A_limit_from_a_values_file_is_passed_as_its_flag(string limit, string flag, string expected)
    {
        var values = Path.Combine(Path.GetTempPath(), $"plexus-limits-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(values, $"controller:\n  limits:\n    {limit}\n");
        try
        {
            var manifest = await Helm.RenderAsync("--values", values);

            Assert.Equal(expected, PodSpecs.Flag(manifest, flag));
        }
        finally
        {
            File.Delete(values);
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
}
