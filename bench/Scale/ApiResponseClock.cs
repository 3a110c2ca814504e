using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Plexus.Bench.Scale;

/// <summary>
/// When the fake API finished answering each list request, and when each watch request arrived: ASP.NET Core's hosting
/// diagnostics report the start and the end (after the response was written) of every request, so the fake itself
/// needs no instrumentation. Only requests arriving on <see cref="ApiPort"/> are kept.
/// </summary>
internal sealed class ApiResponseClock : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private const string StartEvent = "Microsoft.AspNetCore.Hosting.HttpRequestIn.Start";
    private const string StopEvent = "Microsoft.AspNetCore.Hosting.HttpRequestIn.Stop";
    private readonly List<IDisposable> _subscriptions = [];
    private readonly ConcurrentQueue<AnsweredList> _lists = new();
    private readonly ConcurrentQueue<AnsweredList> _watches = new();
    private readonly IDisposable _all;

    public ApiResponseClock() => _all = DiagnosticListener.AllListeners.Subscribe(this);

    public int ApiPort { get; set; }

    /// <summary>GET requests without watch=true (lists; the controller sends no single-object GET here) answered so far.</summary>
    public IReadOnlyList<AnsweredList> Lists => [.. _lists];

    /// <summary>Watch requests received so far (timestamp: arrival), in order.</summary>
    public IReadOnlyList<AnsweredList> Watches => [.. _watches];

    /// <summary>
    /// When the initial list completed: for each collection path that was watched, the last list page answered before
    /// its first watch arrived (the controller lists every page, then watches); the latest of those. Null if none.
    /// </summary>
    public long? InitialListCompleted()
    {
        var lists = Lists;
        long? completed = null;
        foreach (var watch in Watches.GroupBy(w => w.Path).Select(g => g.First()))
        {
            var last = lists.Where(l => l.Path == watch.Path && l.Timestamp <= watch.Timestamp).Select(l => (long?)l.Timestamp).Max();
            if (last is { } t && (completed is null || t > completed))
            {
                completed = t;
            }
        }

        return completed;
    }

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
        var now = Stopwatch.GetTimestamp();
        if (value.Value is not HttpContext context || context.Connection.LocalPort != ApiPort || context.Request.Method != "GET")
        {
            return;
        }

        var request = context.Request;
        var watch = request.Query["watch"] == "true";
        if (value.Key == StopEvent && !watch)
        {
            _lists.Enqueue(new AnsweredList(now, request.Path.Value ?? "", request.Query.ContainsKey("continue")));
        }
        else if (value.Key == StartEvent && watch)
        {
            _watches.Enqueue(new AnsweredList(now, request.Path.Value ?? "", false));
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

/// <param name="Timestamp">Stopwatch timestamp of the end of the response (lists) or of the arrival (watches).</param>
/// <param name="Path">The collection path.</param>
/// <param name="IsContinuation">A later page (continue token).</param>
internal sealed record AnsweredList(long Timestamp, string Path, bool IsContinuation);
