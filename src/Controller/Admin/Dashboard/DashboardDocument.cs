using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Admin.Dashboard;

/// <summary>
/// What the dashboard page shows, joined server-side: each route with its backend Service port and the label values
/// its <c>plexus_requests_total</c> series carry, so the page can match rates to routes without guessing from ids.
/// </summary>
public sealed record DashboardDocument(
    long Version,
    ImmutableArray<DashboardRoute> Routes,
    ImmutableArray<DashboardBackend> Backends,
    ImmutableArray<DiagnosticDocument> Diagnostics)
{
    /// <param name="snapshot">The applied snapshot.</param>
    /// <param name="sourceDiagnostics">Problems of the sources' input that never became objects (e.g. rejected manifest files), listed first.</param>
    public static DashboardDocument From(ProxySnapshot snapshot, IEnumerable<Diagnostic>? sourceDiagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var clusters = snapshot.Clusters.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var routes = snapshot.Routes.Select(r => DashboardRoute.From(r, clusters.GetValueOrDefault(r.ClusterId)));
        if (snapshot.DefaultClusterId is { } defaultId)
        {
            routes = routes.Append(DashboardRoute.DefaultBackend(clusters.GetValueOrDefault(defaultId), defaultId));
        }

        return new DashboardDocument(
            snapshot.Version,
            [.. routes],
            [.. snapshot.Clusters.Select(DashboardBackend.From)],
            [.. (sourceDiagnostics ?? []).Concat(snapshot.Diagnostics).Select(DiagnosticDocument.From)]);
    }
}

/// <summary>
/// One host + path rule. <see cref="Series"/> holds the namespace, ingress, service and port label values of the
/// request metrics this route's traffic is counted under (routes of one Ingress to one Service port share them).
/// </summary>
public sealed record DashboardRoute(
    string? Host,
    string Path,
    string PathType,
    string? Namespace,
    string? Ingress,
    string Cluster,
    string? Service,
    string? Port,
    string? Protocol,
    bool IsDefaultBackend,
    MetricSeries Series)
{
    public static DashboardRoute From(ProxyRoute route, ProxyCluster? cluster)
    {
        ArgumentNullException.ThrowIfNull(route);
        var ns = route.Origin?.Namespace ?? cluster?.Origin?.Namespace;
        return new DashboardRoute(
            route.Host,
            route.Path,
            route.Match.ToString(),
            ns,
            route.Origin?.Ingress,
            route.ClusterId,
            cluster?.Origin?.Service,
            cluster?.Origin?.Port,
            cluster?.Protocol.ToWireName(),
            IsDefaultBackend: false,
            new MetricSeries(ns ?? string.Empty, route.Origin?.Ingress ?? string.Empty, cluster?.Origin?.Service ?? string.Empty, cluster?.Origin?.Port ?? string.Empty));
    }

    /// <summary>The catch-all for requests no rule matched, when a default backend is configured.</summary>
    public static DashboardRoute DefaultBackend(ProxyCluster? cluster, string clusterId)
    {
        var ns = cluster?.Origin?.Namespace;
        return new DashboardRoute(
            Host: null,
            Path: "/",
            PathType: PathMatchKind.Prefix.ToString(),
            ns,
            Ingress: null,
            clusterId,
            cluster?.Origin?.Service,
            cluster?.Origin?.Port,
            cluster?.Protocol.ToWireName(),
            IsDefaultBackend: true,
            new MetricSeries(ns ?? string.Empty, string.Empty, cluster?.Origin?.Service ?? string.Empty, cluster?.Origin?.Port ?? string.Empty));
    }
}

/// <summary>Label values of a route target's request series; empty strings where the metric has empty labels.</summary>
public sealed record MetricSeries(string Namespace, string Ingress, string Service, string Port);

/// <summary>A backend Service port: its declared protocol and the verdict of each endpoint.</summary>
public sealed record DashboardBackend(string Id, string? Namespace, string? Service, string? Port, string Protocol, ImmutableArray<EndpointDocument> Endpoints)
{
    public static DashboardBackend From(ProxyCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var document = ClusterDocument.From(cluster);
        return new DashboardBackend(cluster.Id, cluster.Origin?.Namespace, cluster.Origin?.Service, cluster.Origin?.Port, document.Protocol, document.Endpoints);
    }
}
