using Plexus.Proxy.Model;

namespace Plexus.Proxy.Forwarding;

/// <summary>Checks the structural invariants a snapshot must hold before any of it is applied.</summary>
public static class SnapshotValidator
{
    /// <summary>Every problem found; empty when the snapshot can be applied.</summary>
    public static IReadOnlyList<string> Validate(ProxySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var errors = new List<string>();

        var clusterIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cluster in snapshot.Clusters)
        {
            if (string.IsNullOrEmpty(cluster.Id))
            {
                errors.Add("cluster with an empty id");
                continue;
            }

            if (!clusterIds.Add(cluster.Id))
            {
                errors.Add($"duplicate cluster id '{cluster.Id}'");
            }

            AddClusterErrors(cluster, errors);
        }

        var routeIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in snapshot.Routes)
        {
            if (string.IsNullOrEmpty(route.Id))
            {
                errors.Add("route with an empty id");
                continue;
            }

            if (!routeIds.Add(route.Id))
            {
                errors.Add($"duplicate route id '{route.Id}'");
            }

            if (!clusterIds.Contains(route.ClusterId))
            {
                errors.Add($"route '{route.Id}' references unknown cluster '{route.ClusterId}'");
            }

            if (string.IsNullOrEmpty(route.Path) || route.Path[0] != '/')
            {
                errors.Add($"route '{route.Id}': path '{route.Path}' must start with '/'");
            }

            if (route.Host is not null && !IsValidHost(route.Host))
            {
                errors.Add($"route '{route.Id}': invalid host '{route.Host}' (expected a lower-case DNS name or '*.' followed by one)");
            }

            if (!Enum.IsDefined(route.Match))
            {
                errors.Add($"route '{route.Id}': unknown path match {(int)route.Match}");
            }

            if (route.RequestTimeout is { } timeout && timeout <= TimeSpan.Zero)
            {
                errors.Add($"route '{route.Id}': request timeout must be positive");
            }
        }

        if (snapshot.DefaultClusterId is { } defaultId && !clusterIds.Contains(defaultId))
        {
            errors.Add($"default cluster '{defaultId}' does not exist");
        }

        return errors;
    }

    /// <summary>
    /// Every problem of <paramref name="clusters"/> on their own: for a snapshot that differs from the applied one only in
    /// these clusters (same ids, same routes), whose other invariants were checked when it was applied.
    /// </summary>
    public static IReadOnlyList<string> ValidateClusters(IEnumerable<ProxyCluster> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        var errors = new List<string>();
        foreach (var cluster in clusters)
        {
            AddClusterErrors(cluster, errors);
        }

        return errors;
    }

    private static void AddClusterErrors(ProxyCluster cluster, List<string> errors)
    {
        if (!Enum.IsDefined(cluster.Protocol))
        {
            errors.Add($"cluster '{cluster.Id}': unknown protocol {(int)cluster.Protocol}");
        }

        if (cluster.RequestTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            errors.Add($"cluster '{cluster.Id}': request timeout must be positive");
        }

        var endpoints = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in cluster.Endpoints)
        {
            if (string.IsNullOrWhiteSpace(endpoint.Host) || Uri.CheckHostName(endpoint.Host) == UriHostNameType.Unknown)
            {
                errors.Add($"cluster '{cluster.Id}': invalid endpoint host '{endpoint.Host}'");
            }

            if (endpoint.Port is < 1 or > 65535)
            {
                errors.Add($"cluster '{cluster.Id}': endpoint port {endpoint.Port} out of range 1..65535");
            }

            if (!endpoints.Add(endpoint.Authority))
            {
                errors.Add($"cluster '{cluster.Id}': duplicate endpoint {endpoint.Authority}");
            }
        }
    }

    /// <summary>An exact lower-case DNS name, or "*." followed by one (a one-label wildcard).</summary>
    public static bool IsValidHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host.AsSpan(2) : host.AsSpan();
        if (name.IsEmpty || name.Length > 253)
        {
            return false;
        }

        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(c is >= 'a' and <= 'z' || c is >= '0' and <= '9' || c == '-'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
