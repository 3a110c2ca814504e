using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Plexus.Bench.Scale;

/// <summary>
/// When the fake API finished answering each list request: ASP.NET Core's hosting diagnostics report the end of every
/// request (after the response was written), so the fake itself needs no instrumentation. Only requests arriving on
/// <see cref="ApiPort"/> are kept.
/// </summary>
internal sealed class ApiResponseClock : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private const string StopEvent = "Microsoft.AspNetCore.Hosting.HttpRequestIn.Stop";
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ConcurrentQueue<AnsweredList> _lists = new();
    private readonly IDisposable _all;

    public ApiResponseClock() => _all = DiagnosticListener.AllListeners.Subscribe(this);

    public int ApiPort { get; set; }

    /// <summary>GET requests without watch=true (lists; the controller sends no single-object GET here) answered so far.</summary>
    public IReadOnlyList<AnsweredList> Lists => [.. _lists];

    public void Dispose()
    {
        _all.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == "Microsoft.AspNetCore")
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(value.Subscribe(this, name => name.StartsWith("Microsoft.AspNetCore.Hosting.HttpRequestIn", StringComparison.Ordinal)));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != StopEvent || value.Value is not HttpContext context || context.Connection.LocalPort != ApiPort)
        {
            return;
        }

        var request = context.Request;
        if (request.Method == "GET" && request.Query["watch"] != "true")
        {
            _lists.Enqueue(new AnsweredList(Stopwatch.GetTimestamp(), request.Path.Value ?? "", request.Query.ContainsKey("continue")));
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }
}

/// <param name="Timestamp">Stopwatch timestamp of the end of the response.</param>
/// <param name="Path">The collection path.</param>
/// <param name="IsContinuation">A later page (continue token).</param>
internal sealed record AnsweredList(long Timestamp, string Path, bool IsContinuation);
