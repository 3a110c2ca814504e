using System.Collections.Concurrent;
using System.Text;

namespace Plexus.Controller.Tests.Telemetry;

/// <summary>A TextWriter that keeps each written line; safe to read while another thread writes.</summary>
internal sealed class LineCapture : TextWriter
{
    private readonly ConcurrentQueue<string> _lines = new();

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines => [.. _lines];

    public override void WriteLine(string? value) => _lines.Enqueue(value ?? string.Empty);

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override void Write(char value) => throw new NotSupportedException("Only whole lines are expected.");
}
