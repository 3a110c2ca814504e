using Microsoft.Extensions.Logging;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

/// <summary>One log entry as <see cref="CapturingLoggerProvider"/> kept it.</summary>
internal sealed record CapturedLine(DateTime At, LogLevel Level, string Category, string Message, Exception? Exception)
{
    public override string ToString() =>
        $"{At:HH:mm:ss.fff} {Level} {Category[(Category.LastIndexOf('.') + 1)..]}: {Message}{(Exception is null ? "" : " | " + Exception.GetType().Name + ": " + Exception.Message)}";
}
