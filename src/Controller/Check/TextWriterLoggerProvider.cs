using Microsoft.Extensions.Logging;

namespace Plexus.Controller.Check;

/// <summary>Writes log entries as "warning: message" lines to a writer (the check's stderr): a CLI run needs no log framing.</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer) : ILoggerProvider
{
    private readonly Lock _lock = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriterLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var level = logLevel switch
            {
                LogLevel.Critical or LogLevel.Error => "error",
                LogLevel.Warning => "warning",
                _ => "info",
            };
            lock (owner._lock)
            {
                owner.WriteLine($"plexus check: {level}: {formatter(state, exception)}");
            }
        }
    }

    private void WriteLine(string line) => writer.WriteLine(line);
}
