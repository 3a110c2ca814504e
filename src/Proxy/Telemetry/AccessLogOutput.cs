using System.Text;

namespace Plexus.Proxy.Telemetry;

/// <summary>Where access log lines go: standard output unless a host (or a test) registers another writer.</summary>
public sealed class AccessLogOutput(TextWriter writer)
{
    public TextWriter Writer { get; } = writer ?? throw new ArgumentNullException(nameof(writer));

    /// <summary>Standard output, flushed once per batch of lines rather than per line (Console.Out flushes every write).</summary>
    public static AccessLogOutput StandardOutput() =>
        new(new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024) { AutoFlush = false });
}
