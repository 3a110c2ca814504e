using Microsoft.Extensions.Configuration;
using Plexus.Controller.Telemetry;

namespace Plexus.Controller.Tests.Telemetry;

public sealed class TracingConfigurationTests
{
    public static TheoryData<string?, string?, string?, string?, bool> Cases => new()
    {
        { null, null, null, null, false },
        { "", null, null, null, false },
        { "http://127.0.0.1:4317", null, null, null, true },
        { null, "http://127.0.0.1:4318/v1/traces", null, null, true },
        { "http://127.0.0.1:4317", null, "true", null, false },
        { "http://127.0.0.1:4317", null, "false", null, true },
        { "http://127.0.0.1:4317", null, null, "none", false },
        { "http://127.0.0.1:4317", null, null, "otlp", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trace_export_is_on_only_with_an_otlp_endpoint(string? endpoint, string? tracesEndpoint, string? sdkDisabled, string? tracesExporter, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = tracesEndpoint,
            ["OTEL_SDK_DISABLED"] = sdkDisabled,
            ["OTEL_TRACES_EXPORTER"] = tracesExporter,
        }).Build();

        Assert.Equal(expected, TelemetryServiceCollectionExtensions.IsTraceExportConfigured(configuration));
    }
}
