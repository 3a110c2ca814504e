using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Turns a <see cref="ResourceState"/> into a <see cref="ProxySnapshot"/>: pure, deterministic, synchronous, no
/// I/O. Equal input gives an equal snapshot (routes, clusters, certificates and diagnostics are sorted), and a
/// bad object only degrades its own routes and becomes a diagnostic. The only state it touches is the optional
/// <see cref="CertificateCache"/>, a memo of a pure function that does not change any result.
/// </summary>
public static class Translator
{
    /// <summary>Builds a whole snapshot.</summary>
    /// <param name="state">Everything the sources saw.</param>
    /// <param name="probes">The prober's latest verdicts (stamped on the endpoints).</param>
    /// <param name="options">Class name and ExternalName policy.</param>
    /// <param name="version">The snapshot version; the caller counts.</param>
    /// <param name="certificates">Optional memo of certificate parsing, kept by the caller across builds.</param>
    public static TranslationResult Build(ResourceState state, ProbeResults probes, TranslatorOptions options, long version = 0, CertificateCache? certificates = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(options);

        var diagnostics = new DiagnosticBag();
        var ingresses = new IngressClassFilter(state, options.IngressClassName).Select(state, diagnostics);
        certificates?.BeginBuild();
        var tls = new CertificateLoader(state.Secrets, certificates, diagnostics);
        var claims = new RouteClaims(diagnostics);
        var plans = new Dictionary<string, ClusterPlan>(StringComparer.Ordinal);
        var routes = new List<ProxyRoute>();
        string? defaultClusterId = null;
        ObjectKey? defaultOwner = null;

        foreach (var entry in ingresses)
        {
            var key = entry.Key;
            var spec = entry.Value.Spec;
            if (spec is null)
            {
                continue;
            }

            if (spec.DefaultBackend is { } defaultBackend)
            {
                if (defaultOwner is { } owner)
                {
                    diagnostics.Add(DiagnosticSeverity.Warning, Subjects.Ingress(key), DiagnosticReasons.DefaultBackendConflict,
                        $"spec.defaultBackend is ignored: the older Ingress {owner} already provides the default backend. Only one Ingress of the class should set it.");
                }
                else if (ResolveBackend(key, defaultBackend, "spec.defaultBackend", state, diagnostics) is { } resolved)
                {
                    defaultOwner = key;
                    defaultClusterId = resolved.ClusterId;
                    Plan(plans, resolved, entry);
                }
            }

            AddRules(entry, spec, state, diagnostics, claims, plans, routes);
            tls.Add(key, spec.Tls);
        }

        var index = EndpointSliceIndex.Build(state.EndpointSlices);
        var builder = new ClusterBuilder(index, state.Pods, probes, options.AllowExternalName, diagnostics);
        var clusters = new ProxyCluster[plans.Count];
        var protocols = ImmutableDictionary.CreateBuilder<string, ProtocolDeclaration>(StringComparer.Ordinal);
        var i = 0;
        foreach (var plan in plans.Values.OrderBy(p => p.Backend.ClusterId, StringComparer.Ordinal))
        {
            var (cluster, declaration) = builder.Build(plan.Backend, plan.Ingresses);
            clusters[i++] = cluster;
            protocols[cluster.Id] = declaration;
        }

        var defaultCertificate = DefaultCertificate(options, tls);
        var routeArray = routes.ToArray();
        Array.Sort(routeArray, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        var snapshot = new ProxySnapshot(
            version,
            ImmutableArray.Create(routeArray),
            ImmutableArray.Create(clusters),
            tls.ToArray(),
            diagnostics.ToSortedArray())
        {
            DefaultClusterId = defaultClusterId,
            DefaultCertificate = defaultCertificate,
        };
        return new TranslationResult(VerdictDiagnostics.Restamp(snapshot), protocols.ToImmutable());
    }

    private static HostCertificate? DefaultCertificate(TranslatorOptions options, CertificateLoader tls)
    {
        if (string.IsNullOrWhiteSpace(options.DefaultCertificateSecret))
        {
            return null;
        }

        var parts = options.DefaultCertificateSecret.Split('/');
        return tls.LoadDefault(new ObjectKey(parts[0], parts[^1]));
    }

    /// <summary>
    /// Recomputes only the clusters of <paramref name="changedServices"/> (their endpoints, verdicts and
    /// endpoint diagnostics) and reuses everything else: the routes and certificates arrays, the protocol
    /// declarations and the other clusters are the previous instances (so is a recomputed cluster equal to the
    /// previous one, and the diagnostics array when no diagnostic came or went). For changes of EndpointSlices and Pods
    /// only; a change of a Service, Ingress, IngressClass or Secret needs <see cref="Build"/>. The slice index is
    /// built for the changed Services only: from the store's slice keys when given, else one pass over the slices.
    /// </summary>
    /// <param name="previous">The previous result (a translator result: its clusters are sorted by Id).</param>
    /// <param name="state">The store's state.</param>
    /// <param name="probes">The prober's latest verdicts.</param>
    /// <param name="changedServices">The Services whose endpoints may have changed.</param>
    /// <param name="options">Class name and ExternalName policy.</param>
    /// <param name="version">The snapshot version.</param>
    /// <param name="sliceKeys">
    /// Optional: the keys of the EndpointSlices of each changed Service (<see cref="StoreChanges.EndpointSliceKeys"/>);
    /// without it the slices of the changed Services are found by one pass over all slices.
    /// </param>
    public static TranslationResult UpdateEndpoints(
        TranslationResult previous,
        ResourceState state,
        ProbeResults probes,
        IReadOnlyCollection<ObjectKey> changedServices,
        TranslatorOptions options,
        long version,
        IReadOnlyDictionary<ObjectKey, ImmutableArray<ObjectKey>>? sliceKeys = null)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(changedServices);
        ArgumentNullException.ThrowIfNull(options);

        var changed = changedServices as IReadOnlySet<ObjectKey> ?? changedServices.ToHashSet();
        var old = previous.Snapshot;
        if (changed.Count == 0)
        {
            return previous with { Snapshot = old with { Version = version } };
        }

        var diagnostics = new DiagnosticBag();
        var slices = sliceKeys is not null && changed.All(sliceKeys.ContainsKey)
            ? EndpointSliceIndex.FromKeys(state.EndpointSlices, sliceKeys)
            : EndpointSliceIndex.Build(state.EndpointSlices, changed);
        var builder = new ClusterBuilder(slices, state.Pods, probes, options.AllowExternalName, diagnostics);
        ProxyCluster[]? clusters = null;
        var rebuilt = new List<ClusterChange>();
        for (var i = 0; i < old.Clusters.Length; i++)
        {
            var cluster = old.Clusters[i];
            if (cluster.Origin is not { } origin || !changed.Contains(new ObjectKey(origin.Namespace, origin.Service)))
            {
                continue;
            }

            if (!TryFindPort(state, origin, out var service, out var port)
                || !previous.Protocols.TryGetValue(cluster.Id, out var declaration))
            {
                continue; // unresolved before (missing Service or port): still no endpoints
            }

            // Equal endpoints (a slice update that changed nothing Plexus uses) keep the instance: the proxy skips it.
            var next = builder.WithEndpoints(cluster.Id, origin, service, port, declaration);
            if (next.Equals(cluster))
            {
                continue;
            }

            clusters ??= [.. old.Clusters];
            clusters[i] = next;
            rebuilt.Add(new ClusterChange(cluster, next));
        }

        var added = diagnostics.Count;
        var stale = 0;
        foreach (var diagnostic in old.Diagnostics)
        {
            var isStale = ClusterBuilder.EndpointReasons.Contains(diagnostic.Reason)
                && diagnostic.Subject.Kind == "Service"
                && changed.Contains(new ObjectKey(diagnostic.Subject.Namespace ?? string.Empty, diagnostic.Subject.Name));
            if (isStale)
            {
                stale++;
            }
            else
            {
                diagnostics.Add(diagnostic);
            }
        }

        // Nothing found and nothing resolved: the previous array (and its consumers' work) is kept.
        var snapshot = old with
        {
            Version = version,
            Clusters = clusters is null ? old.Clusters : ImmutableArray.Create(clusters),
            Diagnostics = added == 0 && stale == 0 ? old.Diagnostics : diagnostics.ToSortedArray(),
        };
        return previous with { Snapshot = VerdictDiagnostics.Restamp(snapshot, rebuilt) };
    }

    /// <summary>
    /// Stamps new prober verdicts on every endpoint without touching anything else: clusters whose verdicts did
    /// not change keep their instance, and the routes array is the previous one. Scans every endpoint; when the
    /// caller knows which clusters may have changed, use the overload that takes their Ids.
    /// </summary>
    public static TranslationResult UpdateVerdicts(TranslationResult previous, ProbeResults probes, long version)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(probes);
        var old = previous.Snapshot;
        ProxyCluster[]? clusters = null;
        List<ClusterChange>? changes = null;
        for (var i = 0; i < old.Clusters.Length; i++)
        {
            if (Restamp(old.Clusters[i], probes) is { } restamped)
            {
                clusters ??= [.. old.Clusters];
                clusters[i] = restamped;
                (changes ??= []).Add(new ClusterChange(old.Clusters[i], restamped));
            }
        }

        return WithClusters(previous, clusters, changes, version);
    }

    /// <summary>
    /// Stamps new prober verdicts on the endpoints of the clusters named by <paramref name="clusterIds"/> only (the
    /// clusters that have an endpoint whose verdict changed, as the prober reports them): costs what changed, not the
    /// snapshot. Ids the snapshot does not have are ignored. Clusters are found by binary search on their Id (a
    /// translator snapshot is sorted by Id); an unsorted snapshot falls back to a lookup table.
    /// </summary>
    public static TranslationResult UpdateVerdicts(TranslationResult previous, ProbeResults probes, IReadOnlySet<string> clusterIds, long version)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(clusterIds);
        var old = previous.Snapshot;
        ProxyCluster[]? clusters = null;
        List<ClusterChange>? changes = null;
        Dictionary<string, int>? positions = null;
        foreach (var id in clusterIds)
        {
            var i = IndexOf(old.Clusters, id, ref positions);
            if (i < 0 || Restamp(old.Clusters[i], probes) is not { } restamped)
            {
                continue;
            }

            clusters ??= [.. old.Clusters];
            clusters[i] = restamped;
            (changes ??= []).Add(new ClusterChange(old.Clusters[i], restamped));
        }

        return WithClusters(previous, clusters, changes, version);
    }

    private static TranslationResult WithClusters(TranslationResult previous, ProxyCluster[]? clusters, List<ClusterChange>? changes, long version)
    {
        var old = previous.Snapshot;
        var snapshot = old with { Version = version, Clusters = clusters is null ? old.Clusters : ImmutableArray.Create(clusters) };
        return previous with { Snapshot = changes is null ? snapshot : VerdictDiagnostics.Restamp(snapshot, changes) };
    }

    /// <summary>The cluster with its endpoints' current verdicts, or null when none of them changed.</summary>
    private static ProxyCluster? Restamp(ProxyCluster cluster, ProbeResults probes)
    {
        BackendEndpoint[]? endpoints = null;
        for (var j = 0; j < cluster.Endpoints.Length; j++)
        {
            var endpoint = cluster.Endpoints[j];
            var verdict = probes.For(endpoint.Host, endpoint.Port, cluster.Protocol);
            if (verdict != endpoint.Verdict)
            {
                endpoints ??= [.. cluster.Endpoints];
                endpoints[j] = endpoint with { Verdict = verdict };
            }
        }

        return endpoints is null ? null : cluster with { Endpoints = ImmutableArray.Create(endpoints) };
    }

    private static int IndexOf(ImmutableArray<ProxyCluster> clusters, string id, ref Dictionary<string, int>? positions)
    {
        if (positions is null)
        {
            int low = 0, high = clusters.Length - 1;
            while (low <= high)
            {
                var middle = low + ((high - low) / 2);
                var order = string.CompareOrdinal(clusters[middle].Id, id);
                if (order == 0)
                {
                    return middle;
                }

                if (order < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle - 1;
                }
            }

            if (IsSortedById(clusters))
            {
                return -1;
            }

            positions = new Dictionary<string, int>(clusters.Length, StringComparer.Ordinal);
            for (var i = 0; i < clusters.Length; i++)
            {
                positions.TryAdd(clusters[i].Id, i);
            }
        }

        return positions.GetValueOrDefault(id, -1);
    }

    private static bool IsSortedById(ImmutableArray<ProxyCluster> clusters)
    {
        for (var i = 1; i < clusters.Length; i++)
        {
            if (string.CompareOrdinal(clusters[i - 1].Id, clusters[i].Id) > 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void AddRules(
        KeyValuePair<ObjectKey, V1Ingress> entry,
        V1IngressSpec spec,
        ResourceState state,
        DiagnosticBag diagnostics,
        RouteClaims claims,
        Dictionary<string, ClusterPlan> plans,
        List<ProxyRoute> routes)
    {
        if (spec.Rules is null)
        {
            return;
        }

        var key = entry.Key;
        for (var r = 0; r < spec.Rules.Count; r++)
        {
            var rule = spec.Rules[r];
            string? host = null;
            if (!string.IsNullOrEmpty(rule.Host))
            {
                if (!HostValidator.TryNormalize(rule.Host, out var normalized, out var hostError))
                {
                    diagnostics.Add(DiagnosticSeverity.Error, Subjects.Ingress(key), DiagnosticReasons.InvalidHost,
                        $"Rule {Text(r)} host \"{rule.Host}\" is invalid: {hostError}; the rule is ignored.");
                    continue;
                }

                host = normalized;
            }

            var paths = rule.Http?.Paths;
            if (paths is null)
            {
                continue;
            }

            for (var p = 0; p < paths.Count; p++)
            {
                var path = paths[p];
                var where = $"Rule {Text(r)} path {Text(p)}";
                if (!PathValidator.TryValidate(path.Path, path.PathType, out var validated, out var pathError))
                {
                    diagnostics.Add(DiagnosticSeverity.Error, Subjects.Ingress(key), DiagnosticReasons.InvalidPath,
                        $"{where} \"{path.Path}\" ({path.PathType}) is invalid: {pathError}; the path is ignored.");
                    continue;
                }

                if (path.Backend is null || ResolveBackend(key, path.Backend, where, state, diagnostics) is not { } resolved)
                {
                    continue;
                }

                var routeId = $"{key.Namespace}/{key.Name}/{Text(r)}/{Text(p)}";
                if (!claims.TryClaim(host, validated, key, routeId))
                {
                    continue;
                }

                Plan(plans, resolved, entry);
                routes.Add(new ProxyRoute(routeId, host, validated.Path, validated.Match, resolved.ClusterId)
                {
                    Origin = new RouteOrigin(key.Namespace, key.Name),
                });
            }
        }
    }

    private static ResolvedBackend? ResolveBackend(ObjectKey ingress, V1IngressBackend backend, string where, ResourceState state, DiagnosticBag diagnostics)
    {
        if (backend.Service is null)
        {
            var resource = backend.Resource is { } r ? $"{r.Kind} \"{r.Name}\"" : "nothing";
            diagnostics.Add(DiagnosticSeverity.Error, Subjects.Ingress(ingress), DiagnosticReasons.UnsupportedBackend,
                $"{where}: the backend names {resource}; Plexus routes to Services only, so it is ignored.");
            return null;
        }

        return BackendResolver.Resolve(ingress, backend.Service, state.Services, diagnostics);
    }

    private static void Plan(Dictionary<string, ClusterPlan> plans, ResolvedBackend backend, KeyValuePair<ObjectKey, V1Ingress> ingress)
    {
        if (!plans.TryGetValue(backend.ClusterId, out var plan))
        {
            plan = new ClusterPlan(backend);
            plans.Add(backend.ClusterId, plan);
        }

        // Ingresses arrive oldest first; each is listed once.
        if (plan.Ingresses.Count == 0 || plan.Ingresses[^1].Key != ingress.Key)
        {
            plan.Ingresses.Add(ingress);
        }
    }

    /// <summary>The Service port behind a cluster, as <see cref="BackendResolver"/> resolved it (the origin port is the canonical number).</summary>
    private static bool TryFindPort(ResourceState state, ClusterOrigin origin, [NotNullWhen(true)] out V1Service? service, [NotNullWhen(true)] out V1ServicePort? port)
    {
        port = null;
        if (!state.Services.TryGetValue(new ObjectKey(origin.Namespace, origin.Service), out service)
            || !int.TryParse(origin.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        port = service.Spec?.Ports?.FirstOrDefault(p => p.Port == number);
        if (port is null && BackendResolver.IsExternalName(service))
        {
            port = new V1ServicePort { Port = number };
        }

        return port is not null;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class ClusterPlan(ResolvedBackend backend)
    {
        public ResolvedBackend Backend { get; } = backend;

        public List<KeyValuePair<ObjectKey, V1Ingress>> Ingresses { get; } = [];
    }
}
