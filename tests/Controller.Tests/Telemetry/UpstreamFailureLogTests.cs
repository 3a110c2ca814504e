using System.Net;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Tests.Sources.Kubernetes;

namespace Plexus.Controller.Tests.Telemetry;

/// <summary>The log of a whole Plexus process while a backend is down: one line per failure class and cluster, not one stack trace per request.</summary>
public sealed class UpstreamFailureLogTests
{
    [Fact]
    public async Task Requests_to_a_down_backend_log_one_line_without_a_stack_trace()
    {
        var log = new CapturingLoggerProvider();
        await using var plexus = await PlexusAppHarness.StartAsync(configure: builder => builder.Logging.AddProvider(log));

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.BadGateway, (await plexus.SendAsync(HttpMethod.Get, "down.test", "/")).StatusCode);
        }

        var warnings = log.Lines.Where(l => l.Level >= LogLevel.Warning).ToList();
        var line = Assert.Single(warnings);
        Assert.Equal("Plexus.Proxy.Forwarding.PlexusUpstreamErrorMiddleware", line.Category);
        Assert.Null(line.Exception);
        Assert.Contains("store/down:80", line.Message, StringComparison.Ordinal);
        Assert.Contains("connect-refused", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line.Message);
    }
}
