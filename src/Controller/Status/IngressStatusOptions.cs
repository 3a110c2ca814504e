using System.Collections.Immutable;
using System.Net;
using k8s.Models;

namespace Plexus.Controller.Status;

/// <summary>What the status writer publishes in our Ingresses' <c>status.loadBalancer.ingress</c>. Section "IngressStatus"; flags fill the rest.</summary>
public sealed class IngressStatusOptions
{
    public const string SectionName = "IngressStatus";

    /// <summary>Service "namespace/name" whose <c>status.loadBalancer.ingress</c> is copied (<c>--publish-service</c>).</summary>
    public string? PublishService { get; set; }

    /// <summary>Fixed addresses, IPs or host names, comma separated (<c>--publish-address</c>).</summary>
    public string? PublishAddress { get; set; }

    /// <summary>Clear our Ingresses' status when this replica shuts down as the leader (<c>--update-status-on-shutdown</c>).</summary>
    public bool UpdateStatusOnShutdown { get; set; }

    /// <summary>IngressClass name whose Ingresses are ours.</summary>
    public string IngressClass { get; set; } = "plexus";

    /// <summary>How often the publish Service is re-read and every Ingress re-checked, besides every applied snapshot.</summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(PublishService) || !string.IsNullOrWhiteSpace(PublishAddress);

    /// <summary>Checks the flags; the message names the flag.</summary>
    public void Validate()
    {
        if (!string.IsNullOrWhiteSpace(PublishService) && !string.IsNullOrWhiteSpace(PublishAddress))
        {
            throw new FormatException("--publish-service and --publish-address exclude each other");
        }

        if (!string.IsNullOrWhiteSpace(PublishService))
        {
            _ = ParsePublishService();
        }

        _ = ParsePublishAddresses();
        if (ResyncInterval <= TimeSpan.Zero)
        {
            throw new FormatException($"IngressStatus:ResyncInterval ({ResyncInterval}) must be positive");
        }
    }

    internal (string Namespace, string Name) ParsePublishService()
    {
        var parts = (PublishService ?? string.Empty).Split('/');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0
            ? (parts[0], parts[1])
            : throw new FormatException($"--publish-service must be NAMESPACE/NAME, not '{PublishService}'");
    }

    internal ImmutableArray<V1IngressLoadBalancerIngress> ParsePublishAddresses()
    {
        if (string.IsNullOrWhiteSpace(PublishAddress))
        {
            return [];
        }

        var addresses = ImmutableArray.CreateBuilder<V1IngressLoadBalancerIngress>();
        foreach (var item in PublishAddress.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (IPAddress.TryParse(item, out var ip))
            {
                addresses.Add(new V1IngressLoadBalancerIngress { Ip = ip.ToString() });
            }
            else if (Uri.CheckHostName(item) == UriHostNameType.Dns)
            {
                addresses.Add(new V1IngressLoadBalancerIngress { Hostname = item.ToLowerInvariant() });
            }
            else
            {
                throw new FormatException($"--publish-address: '{item}' is neither an IP address nor a host name");
            }
        }

        return addresses.ToImmutable();
    }
}
