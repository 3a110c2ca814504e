using System.Net;
using System.Security.Cryptography;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using Plexus.Controller.Leadership;
using Plexus.Controller.Runtime;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Events;

/// <summary>
/// Reports the applied snapshot's diagnostics as core/v1 Events (see <see cref="DiagnosticEvents"/>), aggregated like
/// client-go's event correlator does: one Event object per (object, reason, type), whose <c>count</c>,
/// <c>lastTimestamp</c> and <c>message</c> are patched when the diagnostic reappears or its message changes, or while it
/// persists at most every <see cref="EventOptions.RepeatInterval"/>. Rebuilds that keep a diagnostic as it was write
/// nothing, and every write on one object passes the <see cref="EventSpamFilter"/>; a write it holds back is made on a
/// later pass. Only the leader writes; a new leader reports what is active once.
/// </summary>
public sealed partial class DiagnosticEventWriter : BackgroundService, IAppliedSnapshotObserver
{
    private const int MaxMessageLength = 1024;

    private readonly IKubernetes _client;
    private readonly ILeadership _leadership;
    private readonly EventOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DiagnosticEventWriter> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<EventKey, Reported> _reported = [];
    private readonly EventSpamFilter _spam;
    private readonly HashSet<EventKey> _deferred = [];
    private HashSet<EventKey> _active = [];
    private volatile AppliedSnapshot? _latest;
    private bool _wasLeader;
    private bool _hasFailures;

    public DiagnosticEventWriter(
        IKubernetes client, ILeadership leadership, IOptions<EventOptions> options, TimeProvider time, ILogger<DiagnosticEventWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(leadership);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _leadership = leadership;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _spam = new EventSpamFilter(_options, time);
        leadership.Changed += (_, _) => Wake();
    }

    public void OnApplied(AppliedSnapshot applied)
    {
        _latest = applied;
        Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitForWakeAsync(stoppingToken);
                await ReportAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private async Task WaitForWakeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_hasFailures && _options.FailureRetryInterval < _options.RepeatInterval ? _options.FailureRetryInterval : _options.RepeatInterval);
        try
        {
            await _wake.Reader.WaitToReadAsync(timeout.Token);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Repeat interval passed: persisting diagnostics are due again.
        }
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        var isLeader = _leadership.IsLeader;
        if (!isLeader)
        {
            if (_wasLeader)
            {
                // Another replica reports now; when we lead again, what is active then is reported afresh.
                _active.Clear();
                _reported.Clear();
                _deferred.Clear();
            }

            _wasLeader = false;
            return;
        }

        _wasLeader = true;
        if (_latest is not { } applied)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var desired = DiagnosticEvents.From(applied.Snapshot);
        var limited = false;
        foreach (var wanted in desired)
        {
            var key = wanted.Key;
            var known = _reported.TryGetValue(key, out var reported);
            var write = !known
                || _deferred.Contains(key)
                || !_active.Contains(key)
                || !string.Equals(reported!.Message, wanted.Message, StringComparison.Ordinal)
                || now - reported.LastSent >= (reported.Name is null ? _options.FailureRetryInterval : _options.RepeatInterval);
            if (!write)
            {
                continue;
            }

            if (!_spam.TryTake(key.Subject))
            {
                // Held back, not dropped: made on a later pass, once the object has a token again.
                limited = true;
                _deferred.Add(key);
                continue;
            }

            _deferred.Remove(key);
            _reported[key] = reported is not { Name: not null }
                ? await CreateAsync(wanted, applied.State, now, cancellationToken)
                : await IncrementAsync(wanted, reported, applied.State, now, cancellationToken);
        }

        _active = [.. desired.Select(d => d.Key)];
        _deferred.IntersectWith(_active);
        _hasFailures = limited || _reported.Any(r => r.Value.Name is null && _active.Contains(r.Key));
        foreach (var stale in _reported.Where(r => !_active.Contains(r.Key) && now - r.Value.LastSent > _options.RememberFor).Select(r => r.Key).ToList())
        {
            _reported.Remove(stale);
        }

        _spam.Prune();
    }

    private async Task<Reported> CreateAsync(DesiredEvent wanted, ResourceState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = wanted.Key;
        var ns = EventNamespace(key.Subject);
        var name = $"{Truncate(key.Subject.Name, 200)}.{now.ToUnixTimeMilliseconds():x}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        var body = new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                Kind = key.Subject.Kind,
                ApiVersion = ApiVersionOf(key.Subject.Kind),
                NamespaceProperty = key.Subject.Namespace,
                Name = key.Subject.Name,
                Uid = UidOf(key.Subject, state),
            },
            Reason = key.Reason,
            Message = Truncate(wanted.Message, MaxMessageLength),
            Type = key.Type,
            Source = new V1EventSource { Component = EventOptions.SourceComponent, Host = _leadership.Identity },
            ReportingComponent = EventOptions.ReportingController,
            ReportingInstance = _leadership.Identity,
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
        };
        try
        {
            await _client.CoreV1.CreateNamespacedEventAsync(body, ns, cancellationToken: cancellationToken);
            LogReported(key.Type, key.Subject.ToString(), key.Reason, 1);
            return new Reported(name, ns, 1, now, wanted.Message);
        }
        catch (Exception exception) when (exception is HttpOperationException or HttpRequestException)
        {
            // Not retried per rebuild: the next attempt comes with a reappearance or after FailureRetryInterval.
            LogFailed(exception, key.Subject.ToString(), key.Reason);
            return new Reported(null, ns, 0, now, wanted.Message);
        }
    }

    private async Task<Reported> IncrementAsync(DesiredEvent wanted, Reported reported, ResourceState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = wanted.Key;
        var count = reported.Count + 1;
        var patch = new Corev1Event { Count = count, LastTimestamp = now.UtcDateTime, Message = Truncate(wanted.Message, MaxMessageLength) };
        try
        {
            await _client.CoreV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), reported.Name, reported.Namespace, cancellationToken: cancellationToken);
            LogReported(key.Type, key.Subject.ToString(), key.Reason, count);
            return reported with { Count = count, LastSent = now, Message = wanted.Message };
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // The API server expired the Event: start a new one.
            return await CreateAsync(wanted, state, now, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpOperationException or HttpRequestException)
        {
            LogFailed(exception, key.Subject.ToString(), key.Reason);
            return reported with { LastSent = now };
        }
    }

    // Events of cluster-scoped objects live in "default", as the API server requires.
    private static string EventNamespace(ObjectRef subject) => string.IsNullOrEmpty(subject.Namespace) ? "default" : subject.Namespace;

    private static string ApiVersionOf(string kind) => kind is "Ingress" or "IngressClass" ? "networking.k8s.io/v1" : "v1";

    private static string? UidOf(ObjectRef subject, ResourceState state)
    {
        var key = new ObjectKey(subject.Namespace ?? string.Empty, subject.Name);
        return subject.Kind switch
        {
            "Ingress" => state.Ingresses.GetValueOrDefault(key)?.Metadata?.Uid,
            "Service" => state.Services.GetValueOrDefault(key)?.Metadata?.Uid,
            "Secret" => state.Secrets.GetValueOrDefault(key)?.Metadata?.Uid,
            "IngressClass" => state.IngressClasses.GetValueOrDefault(key)?.Metadata?.Uid,
            _ => null,
        };
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {Type} on {Subject}: {Reason} (count {Count})")]
    private partial void LogReported(string type, string subject, string reason, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing an Event on {Subject} ({Reason}) failed")]
    private partial void LogFailed(Exception exception, string subject, string reason);

    /// <summary>The Event object reporting one key (Name null when creating it failed) and the message last sent.</summary>
    private sealed record Reported(string? Name, string Namespace, int Count, DateTimeOffset LastSent, string Message);
}
