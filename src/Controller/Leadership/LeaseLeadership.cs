using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Options;

namespace Plexus.Controller.Leadership;

/// <summary>
/// Holds a coordination.k8s.io/v1 Lease through KubernetesClient's <see cref="LeaderElector"/>. Losing the Lease only
/// flips <see cref="IsLeader"/>: the elector keeps trying to win it back, nothing restarts, traffic is untouched.
/// The Lease is not released on shutdown (the elector has no release); a follower takes over when it expires.
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = new LeaderElectionConfig(new LeaseLock(_client, _namespace, _options.LeaseName, Identity))
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

        SetLeader(false);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader election failed; retrying")]
    private partial void LogElectionFailed(Exception exception);
}
