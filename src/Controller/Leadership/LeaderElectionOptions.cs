namespace Plexus.Controller.Leadership;

/// <summary>The leader Lease. Bound from configuration section "LeaderElection"; flags set the namespace and the name.</summary>
public sealed class LeaderElectionOptions
{
    public const string SectionName = "LeaderElection";

    public const string DefaultLeaseName = "plexus-ingress-leader";

    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>Namespace of the Lease (<c>--election-namespace</c>); null means POD_NAMESPACE, then the service account's namespace, then "default".</summary>
    public string? Namespace { get; set; }

    /// <summary>Name of the Lease (<c>--election-id</c>).</summary>
    public string LeaseName { get; set; } = DefaultLeaseName;

    /// <summary>Holder identity; null means POD_NAME, else the host name with a random suffix.</summary>
    public string? Identity { get; set; }

    /// <summary>How long a Lease stays valid without renewal; a follower takes over this long after the leader stopped renewing. Whole seconds.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The leader gives up when it could not renew for this long (less than <see cref="LeaseDuration"/>).</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval between attempts to acquire or renew.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);

    internal string ResolveNamespace()
    {
        if (!string.IsNullOrWhiteSpace(Namespace))
        {
            return Namespace;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("POD_NAMESPACE");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        return File.Exists(ServiceAccountNamespaceFile) ? File.ReadAllText(ServiceAccountNamespaceFile).Trim() : "default";
    }

    internal string ResolveIdentity()
    {
        if (!string.IsNullOrWhiteSpace(Identity))
        {
            return Identity;
        }

        var pod = Environment.GetEnvironmentVariable("POD_NAME");
        return !string.IsNullOrWhiteSpace(pod)
            ? pod
            : $"{Environment.MachineName}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";
    }

    internal void Validate()
    {
        if (LeaseDuration < TimeSpan.FromSeconds(1) || RenewDeadline <= TimeSpan.Zero || RenewDeadline >= LeaseDuration
            || RetryPeriod <= TimeSpan.Zero || RetryPeriod >= RenewDeadline)
        {
            throw new InvalidOperationException(
                $"Leader election needs 0 < RetryPeriod ({RetryPeriod}) < RenewDeadline ({RenewDeadline}) < LeaseDuration ({LeaseDuration}), LeaseDuration at least 1 s.");
        }
    }
}
