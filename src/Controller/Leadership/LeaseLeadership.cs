using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Options;

namespace Plexus.Controller.Leadership;

/// <summary>
/// Holds a coordination.k8s.io/v1 Lease through KubernetesClient's <see cref="LeaderElector"/>. Losing the Lease only
/// flips <see cref="IsLeader"/>: the elector keeps trying to win it back, nothing restarts, traffic is untouched.
/// A leader that shuts down releases the Lease (empty holder), so that a follower takes over on its next retry instead
/// of when the Lease expires; the elector itself has no release.
/// </summary>
public sealed partial class LeaseLeadership : BackgroundService, ILeadership
{
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger<LeaseLeadership> _logger;
    private readonly string _namespace;
    private volatile bool _isLeader;
    private volatile bool _failing;

    public LeaseLeadership(IKubernetes client, IOptions<LeaderElectionOptions> options, ILogger<LeaseLeadership> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value;
        _options.Validate();
        _logger = logger;
        _namespace = _options.ResolveNamespace();
        Identity = _options.ResolveIdentity();
    }

    public event EventHandler? Changed;

    public bool IsLeader => _isLeader;

    public string Identity { get; }

    /// <summary>How long a stopping leader tries to release the Lease; shutdown does not wait longer for the API.</summary>
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var leaseLock = new LeaseLock(_client, _namespace, _options.LeaseName, Identity);
        var config = new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        elector.OnStartedLeading += () => SetLeader(true);
        elector.OnStoppedLeading += () => SetLeader(false);
        elector.OnNewLeader += leader =>
        {
            _failing = false;
            LogLeader(leader, _namespace, _options.LeaseName);
        };
        elector.OnError += OnLeaseError;
        LogStarting(Identity, _namespace, _options.LeaseName);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // An API failure must not end the election loop: the replica keeps proxying and retries.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                SetLeader(false);
                LogElectionFailed(exception);
                try
                {
                    await Task.Delay(_options.RetryPeriod, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // The elector may already have reported the loss when it saw the cancellation: whether the Lease is still ours
        // is what the Lease says.
        SetLeader(false);
        await ReleaseAsync(leaseLock);
    }

    // Like client-go's ReleaseOnCancel: empty holder, 1 s duration, only if the Lease is still ours.
    private async Task ReleaseAsync(LeaseLock leaseLock)
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout);
        try
        {
            var current = await leaseLock.GetAsync(timeout.Token);
            if (current.HolderIdentity != Identity)
            {
                return;
            }

            var now = DateTime.UtcNow;
            await leaseLock.UpdateAsync(
                new LeaderElectionRecord
                {
                    HolderIdentity = string.Empty,
                    LeaseDurationSeconds = 1,
                    AcquireTime = now,
                    RenewTime = now,
                    LeaderTransitions = current.LeaderTransitions,
                },
                timeout.Token);
            LogReleased(_namespace, _options.LeaseName);
        }
#pragma warning disable CA1031 // Shutdown goes on whatever the API says: the Lease then expires as it would have.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogReleaseFailed(exception, _namespace, _options.LeaseName);
        }
    }

    // The elector retries every RetryPeriod: warn once per failure streak, not on every attempt.
    private void OnLeaseError(Exception exception)
    {
        if (_failing)
        {
            LogLeaseErrorRepeated(exception.Message);
            return;
        }

        _failing = true;
        LogLeaseError(exception, _namespace, _options.LeaseName);
    }

    private void SetLeader(bool isLeader)
    {
        if (_isLeader == isLeader)
        {
            return;
        }

        _isLeader = isLeader;
        _failing &= !isLeader;
        LogLeadership(isLeader ? "acquired" : "lost", Identity);
        Changed?.Invoke(this, EventArgs.Empty);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Leader election as {Identity} on Lease {Namespace}/{Lease}")]
    private partial void LogStarting(string identity, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "Leadership {Change} by {Identity}")]
    private partial void LogLeadership(string change, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Leader of {Namespace}/{Lease} is {Leader}")]
    private partial void LogLeader(string leader, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading or writing the Lease {Namespace}/{Lease} failed; this replica keeps proxying and retries (check RBAC on leases)")]
    private partial void LogLeaseError(Exception exception, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease still failing: {Error}")]
    private partial void LogLeaseErrorRepeated(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released the Lease {Namespace}/{Lease} on shutdown")]
    private partial void LogReleased(string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the Lease {Namespace}/{Lease} on shutdown; a follower takes over when it expires")]
    private partial void LogReleaseFailed(Exception exception, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election failed; retrying")]
    private partial void LogElectionFailed(Exception exception);
}
