using System.Collections.Immutable;
using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Options;
using Plexus.Controller.Leadership;
using Plexus.Controller.Runtime;
using Plexus.Controller.Store;
using Plexus.Controller.Translation;

namespace Plexus.Controller.Status;

/// <summary>
/// Keeps <c>status.loadBalancer.ingress</c> of our Ingresses (those our IngressClass selects, routable or not) equal to
/// the published addresses. Only the leader writes, and only an Ingress whose status differs, through the status
/// subresource (PUT with the stored resourceVersion; on a conflict it re-reads once). Woken by applied snapshots,
/// leadership changes and a periodic resync (which also re-reads <c>--publish-service</c>). A snapshot that changed no
/// Ingress, IngressClass or Service (an endpoint or verdict update) does not rescan the Ingresses, unless the previous
/// sync had a failed write.
/// </summary>
public sealed partial class IngressStatusWriter : BackgroundService, IAppliedSnapshotObserver
{
    private readonly IKubernetes _client;
    private readonly ILeadership _leadership;
    private readonly IngressStatusOptions _options;
    private readonly ILogger<IngressStatusWriter> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    // Writes whose watch event has not reached the store yet: key → (resourceVersion we wrote over, what we wrote).
    private readonly Dictionary<ObjectKey, (string? OverVersion, ImmutableArray<V1IngressLoadBalancerIngress> Written)> _pending = [];
    private readonly ImmutableArray<V1IngressLoadBalancerIngress> _fixedAddresses;
    private volatile ResourceState? _state;

    // The state of the last sync that wrote everything it had to; an applied snapshot whose Ingresses, IngressClasses
    // and Services are the same instances (an endpoint or verdict update) has nothing new for the status.
    private ResourceState? _synced;
    private volatile bool _mustResync = true;
    private bool _writeFailed;

    public IngressStatusWriter(
        IKubernetes client, ILeadership leadership, IOptions<IngressStatusOptions> options, ILogger<IngressStatusWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(leadership);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _leadership = leadership;
        _options = options.Value;
        _logger = logger;
        _fixedAddresses = _options.ParsePublishAddresses();
        leadership.Changed += (_, _) =>
        {
            _mustResync = true;
            Wake();
        };
    }

    public void OnApplied(AppliedSnapshot applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        _state = applied.State;
        Wake();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_options.UpdateStatusOnShutdown && _leadership.IsLeader && _state is { } state)
        {
            LogClearing();
            await ClearAsync(state, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var resync = await WaitForWakeAsync(stoppingToken);
                if (!_leadership.IsLeader || _state is not { } state)
                {
                    continue;
                }

                if (!resync && !_mustResync && _synced is { } synced && SameObjects(synced, state))
                {
                    continue;
                }

                _mustResync = false;
                var addresses = await ResolveAddressesAsync(stoppingToken);
                if (addresses is { } desired)
                {
                    _writeFailed = false;
                    await SyncAsync(state, desired, stoppingToken);
                    _synced = _writeFailed ? null : state;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private static bool SameObjects(ResourceState a, ResourceState b) =>
        ReferenceEquals(a.Ingresses, b.Ingresses) && ReferenceEquals(a.IngressClasses, b.IngressClasses) && ReferenceEquals(a.Services, b.Services);

    // True when the resync interval passed (rather than a wake-up).
    private async Task<bool> WaitForWakeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ResyncInterval);
        try
        {
            await _wake.Reader.WaitToReadAsync(timeout.Token);
            _wake.Reader.TryRead(out _);
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The resync interval passed: re-check everything.
            return true;
        }
    }

    private async Task<ImmutableArray<V1IngressLoadBalancerIngress>?> ResolveAddressesAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(_options.PublishService))
        {
            return _fixedAddresses;
        }

        var (ns, name) = _options.ParsePublishService();
        try
        {
            var service = await _client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: cancellationToken);
            return LoadBalancerAddresses.FromService(service);
        }
        catch (Exception exception) when (exception is HttpOperationException or HttpRequestException)
        {
            // Without the Service the right addresses are unknown: leave every status as it is.
            LogPublishServiceFailed(exception, ns, name);
            return null;
        }
    }

    private async Task SyncAsync(ResourceState state, ImmutableArray<V1IngressLoadBalancerIngress> desired, CancellationToken cancellationToken)
    {
        var filter = new IngressClassFilter(state, _options.IngressClass);
        foreach (var (key, ingress) in state.Ingresses)
        {
            if (!filter.IsOurs(ingress) || LoadBalancerAddresses.SameAs(ingress.Status?.LoadBalancer?.Ingress, desired))
            {
                _pending.Remove(key);
                continue;
            }

            if (_pending.TryGetValue(key, out var pending)
                && pending.OverVersion == ingress.Metadata?.ResourceVersion
                && LoadBalancerAddresses.SameAs(pending.Written, desired))
            {
                continue;
            }

            await WriteAsync(key, ingress, desired, cancellationToken);
        }

        foreach (var gone in _pending.Keys.Where(k => !state.Ingresses.ContainsKey(k)).ToList())
        {
            _pending.Remove(gone);
        }
    }

    // The store may not have seen our last write yet, so each Ingress is re-read rather than judged from the state.
    private async Task ClearAsync(ResourceState state, CancellationToken cancellationToken)
    {
        var filter = new IngressClassFilter(state, _options.IngressClass);
        foreach (var (key, ingress) in state.Ingresses)
        {
            if (!filter.IsOurs(ingress))
            {
                continue;
            }

            try
            {
                var current = await _client.NetworkingV1.ReadNamespacedIngressAsync(key.Name, key.Namespace, cancellationToken: cancellationToken);
                if (!LoadBalancerAddresses.SameAs(current.Status?.LoadBalancer?.Ingress, []))
                {
                    await WriteAsync(key, current, [], cancellationToken);
                }
            }
            catch (Exception exception) when (exception is HttpOperationException or HttpRequestException or OperationCanceledException)
            {
                LogWriteFailed(exception, key.ToString());
            }
        }
    }

    private async Task WriteAsync(ObjectKey key, V1Ingress stored, ImmutableArray<V1IngressLoadBalancerIngress> desired, CancellationToken cancellationToken)
    {
        var current = stored;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                await _client.NetworkingV1.ReplaceNamespacedIngressStatusAsync(WithStatus(current, desired), key.Name, key.Namespace, cancellationToken: cancellationToken);
                _pending[key] = (stored.Metadata?.ResourceVersion, desired);
                LogWritten(key.ToString(), LoadBalancerAddresses.Describe(desired));
                return;
            }
            catch (HttpOperationException exception) when (exception.Response.StatusCode == HttpStatusCode.Conflict && attempt == 0)
            {
                // Someone wrote the Ingress since the store saw it: re-read it and decide again.
                try
                {
                    current = await _client.NetworkingV1.ReadNamespacedIngressAsync(key.Name, key.Namespace, cancellationToken: cancellationToken);
                }
                catch (Exception readException) when (readException is HttpOperationException or HttpRequestException)
                {
                    _writeFailed = true;
                    LogWriteFailed(readException, key.ToString());
                    return;
                }

                if (LoadBalancerAddresses.SameAs(current.Status?.LoadBalancer?.Ingress, desired))
                {
                    return;
                }
            }
            catch (HttpOperationException exception) when (exception.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpOperationException or HttpRequestException)
            {
                // Retried on the next snapshot or resync.
                _writeFailed = true;
                LogWriteFailed(exception, key.ToString());
                return;
            }
        }
    }

    private static V1Ingress WithStatus(V1Ingress ingress, ImmutableArray<V1IngressLoadBalancerIngress> addresses) => new()
    {
        // A new object: the stored one belongs to the store's immutable state.
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = new V1ObjectMeta
        {
            Name = ingress.Metadata?.Name,
            NamespaceProperty = ingress.Metadata?.NamespaceProperty,
            ResourceVersion = ingress.Metadata?.ResourceVersion,
            Uid = ingress.Metadata?.Uid,
        },
        Spec = ingress.Spec,
        Status = new V1IngressStatus
        {
            LoadBalancer = new V1IngressLoadBalancerStatus
            {
                Ingress = [.. addresses.Select(a => new V1IngressLoadBalancerIngress { Ip = a.Ip, Hostname = a.Hostname })],
            },
        },
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingress {Ingress} status.loadBalancer set to [{Addresses}]")]
    private partial void LogWritten(string ingress, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the status of Ingress {Ingress} failed; retrying on the next change or resync")]
    private partial void LogWriteFailed(Exception exception, string ingress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the publish Service {Namespace}/{Name} failed; Ingress status left as it is")]
    private partial void LogPublishServiceFailed(Exception exception, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: clearing the status of our Ingresses (--update-status-on-shutdown)")]
    private partial void LogClearing();
}
