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
/// the Kubernetes event recorder does: one Event object per (object, reason, message), whose <c>count</c> and
/// <c>lastTimestamp</c> are patched when the diagnostic reappears, or while it persists at most every
/// <see cref="EventOptions.RepeatInterval"/>. Rebuilds that keep a diagnostic write nothing. Only the leader writes; a
/// new leader reports what is active once.
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
        foreach (var key in desired)
        {
            if (!_reported.TryGetValue(key, out var reported))
            {
                _reported[key] = await CreateAsync(key, applied.State, now, cancellationToken);
                continue;
            }

            var reappearing = !_active.Contains(key);
            var due = now - reported.LastSent >= (reported.Name is null ? _options.FailureRetryInterval : _options.RepeatInterval);
            if (reappearing || due)
            {
                _reported[key] = reported.Name is null
                    ? await CreateAsync(key, applied.State, now, cancellationToken)
                    : await IncrementAsync(key, reported, applied.State, now, cancellationToken);
            }
        }

        _active = [.. desired];
        _hasFailures = _reported.Any(r => r.Value.Name is null && _active.Contains(r.Key));
        foreach (var stale in _reported.Where(r => !_active.Contains(r.Key) && now - r.Value.LastSent > _options.RememberFor).Select(r => r.Key).ToList())
        {
            _reported.Remove(stale);
        }
    }

    private async Task<Reported> CreateAsync(EventKey key, ResourceState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
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
            Message = Truncate(key.Message, MaxMessageLength),
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
            return new Reported(name, ns, 1, now);
        }
        catch (Exception exception) when (exception is HttpOperationException or HttpRequestException)
        {
            // Not retried per rebuild: the next attempt comes with a reappearance or after FailureRetryInterval.
            LogFailed(exception, key.Subject.ToString(), key.Reason);
            return new Reported(null, ns, 0, now);
        }
    }

    private async Task<Reported> IncrementAsync(EventKey key, Reported reported, ResourceState state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = reported.Count + 1;
        var patch = new Corev1Event { Count = count, LastTimestamp = now.UtcDateTime };
        try
        {
            await _client.CoreV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), reported.Name, reported.Namespace, cancellationToken: cancellationToken);
            LogReported(key.Type, key.Subject.ToString(), key.Reason, count);
            return reported with { Count = count, LastSent = now };
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // The API server expired the Event: start a new one.
            return await CreateAsync(key, state, now, cancellationToken);
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

    /// <summary>The Event object reporting one key (Name null when creating it failed).</summary>
    private sealed record Reported(string? Name, string Namespace, int Count, DateTimeOffset LastSent);
}
