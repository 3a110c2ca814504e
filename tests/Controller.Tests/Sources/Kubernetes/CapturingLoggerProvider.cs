using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

/// <summary>Keeps log lines in memory so that a failed wait can show them.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLine> _lines = new();

    public string Text => string.Join('\n', _lines);

    /// <summary>Every entry so far, with its level, category and exception, for assertions on what was logged how.</summary>
    public IReadOnlyList<CapturedLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider._lines.Enqueue(new CapturedLine(DateTime.UtcNow, logLevel, category, formatter(state, exception), exception));
    }
}
