using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Store;

namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>One kind's list-then-watch loop, the informer pattern without a client-side cache (the store is the cache).</summary>
internal interface IResourceWatcher
{
    ResourceKind Kind { get; }

    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Lists a kind (replacing its whole set in the sink), then watches from the list's resourceVersion. Every event is
/// applied before its resourceVersion is remembered, so a reconnect resumes exactly after the last applied event:
/// nothing is lost and nothing is applied twice. 410 Gone means the resourceVersion left the server's history, and
/// only a new list can tell what changed meanwhile.
/// </summary>
internal sealed class ResourceWatcher<T> : IResourceWatcher
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly WatchedResource<T> _resource;
    private readonly IResourceSink _sink;
    private readonly IWatchObserver _observer;
    private readonly KubernetesSourceOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly WatchBackoff _backoff;
    private readonly KubernetesApiHealth _health;

    public ResourceWatcher(
        WatchedResource<T> resource,
        IResourceSink sink,
        IWatchObserver observer,
        KubernetesSourceOptions options,
        KubernetesApiHealth health,
        ILogger logger,
        TimeProvider time)
    {
        _health = health;
        _resource = resource;
        _sink = sink;
        _observer = observer;
        _options = options;
        _logger = logger;
        _time = time;
        _backoff = new WatchBackoff(options.InitialBackoff, options.MaxBackoff);
    }

    public ResourceKind Kind => _resource.Kind;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var outagesEnded = _health.OutagesEnded;
            if (resourceVersion is null)
            {
                try
                {
                    resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
                {
                    throw new OperationCanceledException("The list was stopped.", ex, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    _health.ReportFailure(ex);
                    var delay = RetryDelay(ex);
                    _logger.LogWarning(ex, "Listing {Kind} failed (attempt {Attempt}); retrying in {Delay}", Kind, _backoff.Failures, delay);
                    _observer.OnRestart(Kind, WatchRestartReason.ListFailed, delay);
                    await WaitAsync(delay, outagesEnded, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // The kind is in sync again: whatever failed before is over, and the next failure starts a new series.
                _health.ReportAnswered();
                _backoff.Reset();
            }

            outagesEnded = _health.OutagesEnded;
            var result = await WatchAsync(resourceVersion, cancellationToken).ConfigureAwait(false);

            // 410: the resourceVersion left the server's history. Silence: the stream or the server's watch is broken,
            // and resuming from the same resourceVersion could stall the same way; a list reads the truth.
            resourceVersion = result.Reason is WatchRestartReason.Gone or WatchRestartReason.Idle ? null : result.ResourceVersion;

            // A watch that delivered events, or lived for a good part of its server-side timeout, was healthy. One that
            // ends at once without delivering anything is treated like a failure so that a misbehaving server is not
            // hammered in a tight loop.
            var productive = result.Events > 0 || result.Duration >= _options.WatchTimeout / 2;
            if (productive)
            {
                _backoff.Reset();
            }

            if (result.Error is not null)
            {
                _health.ReportFailure(result.Error);
            }
            else if (result.Reason != WatchRestartReason.Idle)
            {
                _health.ReportAnswered();
            }

            var wait = result.Reason == WatchRestartReason.WatchFailed || !productive ? RetryDelay(result.Error) : TimeSpan.Zero;
            if (result.Error is not null && result.Reason == WatchRestartReason.WatchFailed)
            {
                _logger.LogWarning(result.Error, "Watch of {Kind} failed after {Events} events; resuming from resourceVersion {ResourceVersion} in {Delay}", Kind, result.Events, resourceVersion, wait);
            }
            else
            {
                // Servers end every watch after timeoutSeconds: routine, unless it ends without delivering anything.
                var level = result.Reason == WatchRestartReason.Closed && productive ? LogLevel.Debug : LogLevel.Information;
                _logger.Log(level, "Watch of {Kind} ended ({Reason}) after {Events} events; {Next} in {Delay}", Kind, result.Reason, result.Events, resourceVersion is null ? "relisting" : "resuming from resourceVersion " + resourceVersion, wait);
            }

            _observer.OnRestart(Kind, result.Reason, wait);
            if (wait > TimeSpan.Zero)
            {
                await WaitAsync(wait, outagesEnded, cancellationToken).ConfigureAwait(false);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// The next backoff delay, or longer if the server asked for it with Retry-After (a 429 from API Priority and
    /// Fairness, or a 503), up to <see cref="KubernetesSourceOptions.MaxBackoff"/> so that no answer stalls a kind longer
    /// than a failure series would.
    /// </summary>
    private TimeSpan RetryDelay(Exception? error)
    {
        var delay = _backoff.Next();
        if (error is not null && KubernetesApiErrors.RetryAfter(error, _time) is { } asked && asked > delay)
        {
            delay = asked < _options.MaxBackoff ? asked : _options.MaxBackoff;
        }

        return delay;
    }

    /// <summary>Waits out a retry delay, or less when an API outage ends meanwhile: then the failure series is over too.</summary>
    private async Task WaitAsync(TimeSpan delay, long outagesEnded, CancellationToken cancellationToken)
    {
        if (await _health.DelayAsync(delay, outagesEnded, cancellationToken).ConfigureAwait(false))
        {
            _backoff.Reset();
            _logger.LogDebug("{Kind} retries now: the Kubernetes API answers again", Kind);
        }
    }

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<IKubernetesObject<V1ObjectMeta>>();
        string? resourceVersion = null;
        string? continueToken = null;
        int? limit = _options.ListPageSize > 0 ? _options.ListPageSize : null;
        do
        {
            var page = await _resource.List(continueToken, limit, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                items.Add(item);
            }

            // Later pages belong to the same snapshot as the first; its resourceVersion is the one to watch from.
            resourceVersion ??= page.ResourceVersion;
            continueToken = page.Continue;
        }
        while (!string.IsNullOrEmpty(continueToken));

        if (string.IsNullOrEmpty(resourceVersion))
        {
            throw new InvalidOperationException($"The list of {Kind} carried no resourceVersion.");
        }

        _sink.ReplaceAll(Kind, items);
        _observer.OnList(Kind, items.Count);
        _logger.LogInformation("Listed {Count} {Kind} at resourceVersion {ResourceVersion}", items.Count, Kind, resourceVersion);
        return resourceVersion;
    }

    private async Task<WatchResult> WatchAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var lastResourceVersion = resourceVersion;
        var events = 0;
        Exception? streamError = null;

        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        watchCts.CancelAfter(_options.WatchIdleTimeout);

        // The client reports ERROR events (a Status object) and unreadable lines here, then keeps reading. After an
        // ERROR event the server ends the stream itself; waiting for that end (the idle guard covers a server that does
        // not) avoids cancelling the client while it has a read in flight, which can leave a broken pooled connection
        // behind. An unreadable line is different: reading on would skip an event, so the stream is abandoned at once.
        void OnError(Exception ex)
        {
            streamError ??= ex;
            if (ex is not KubernetesException)
            {
                watchCts.Cancel();
            }
        }

        WatchRestartReason reason;
        Exception? error = null;
        try
        {
            var timeoutSeconds = (int)Math.Max(1, _options.WatchTimeout.TotalSeconds);
            await foreach (var (type, obj) in _resource.Watch(resourceVersion, timeoutSeconds, OnError, watchCts.Token).ConfigureAwait(false))
            {
                if (streamError is not null)
                {
                    // Nothing after an ERROR event is trusted; leaving between reads closes the stream safely.
                    break;
                }

                watchCts.CancelAfter(_options.WatchIdleTimeout);
                _health.ReportAnswered();
                Apply(type, obj);
                events++;
                lastResourceVersion = obj.Metadata?.ResourceVersion is { Length: > 0 } rv ? rv : lastResourceVersion;
            }

            (reason, error) = streamError is null ? (WatchRestartReason.Closed, null) : Classify(streamError);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            (reason, error) = streamError is null ? (WatchRestartReason.Idle, null) : Classify(streamError);
        }
        catch (Exception ex) when (streamError is null && IsEndOfStream(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The client waits for the first line before handing out the stream: a watch the server ends before
            // anything happened surfaces as end-of-stream.
            (reason, error) = (WatchRestartReason.Closed, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            (reason, error) = Classify(streamError ?? ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Stopping tore the connection down under the client; whatever it threw, this is cancellation.
            throw new OperationCanceledException("The watch was stopped.", ex, cancellationToken);
        }

        return new WatchResult(reason, lastResourceVersion, events, _time.GetElapsedTime(started), error);
    }

    private void Apply(WatchEventType type, T obj)
    {
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                _sink.Upsert(obj);
                break;
            case WatchEventType.Deleted:
                _sink.Delete(Kind, new ObjectKey(obj.Metadata?.NamespaceProperty ?? "", obj.Metadata?.Name ?? ""));
                break;
            case WatchEventType.Bookmark:
                break;
            default:
                throw new UnreachableException($"Unexpected watch event type {type}.");
        }

        _observer.OnEvent(Kind, type);
    }

    private static bool IsEndOfStream(Exception ex) => ex is EndOfStreamException || (ex is HttpRequestException && ex.InnerException is EndOfStreamException);

    private static (WatchRestartReason, Exception?) Classify(Exception ex) => ex switch
    {
        KubernetesException { Status.Code: (int)HttpStatusCode.Gone } => (WatchRestartReason.Gone, null),
        HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } => (WatchRestartReason.Gone, null),
        _ => (WatchRestartReason.WatchFailed, ex),
    };

    private readonly record struct WatchResult(WatchRestartReason Reason, string ResourceVersion, int Events, TimeSpan Duration, Exception? Error);
}
