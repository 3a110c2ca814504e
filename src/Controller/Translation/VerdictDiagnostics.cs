using System.Collections.Immutable;
using System.Globalization;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Turns the prober's Mismatch verdicts on a snapshot's endpoints into one <c>BackendProtocolMismatch</c> diagnostic
/// per cluster, so they reach the log, Events and the admin API like every other finding. Pure: it reads the
/// verdicts already stamped on the endpoints and replaces the previous verdict diagnostics.
/// </summary>
public static class VerdictDiagnostics
{
    private const int NamedEndpoints = 3;

    public static ProxySnapshot Restamp(ProxySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var bag = new DiagnosticBag();
        foreach (var diagnostic in snapshot.Diagnostics)
        {
            if (diagnostic.Reason != DiagnosticReasons.BackendProtocolMismatch)
            {
                bag.Add(diagnostic);
            }
        }

        var unchanged = bag.Count == snapshot.Diagnostics.Length;
        foreach (var cluster in snapshot.Clusters)
        {
            if (For(cluster) is { } diagnostic)
            {
                bag.Add(diagnostic);
                unchanged = false;
            }
        }

        return unchanged ? snapshot : snapshot with { Diagnostics = bag.ToSortedArray() };
    }

    /// <summary>
    /// Restamps a snapshot derived from a restamped one in which only <paramref name="changes"/> differ: when none of
    /// those clusters mismatches, before or after, the verdict diagnostics are already right and the snapshot is
    /// returned as it is, without looking at the other clusters. Otherwise the whole snapshot is restamped.
    /// </summary>
    public static ProxySnapshot Restamp(ProxySnapshot snapshot, IEnumerable<ClusterChange> changes)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var (old, next) in changes)
        {
            if (HasMismatch(old) || HasMismatch(next))
            {
                return Restamp(snapshot);
            }
        }

        return snapshot;
    }

    private static bool HasMismatch(ProxyCluster? cluster)
    {
        if (cluster is null)
        {
            return false;
        }

        foreach (var endpoint in cluster.Endpoints)
        {
            if (endpoint.Verdict.Kind == VerdictKind.Mismatch)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The diagnostic for one cluster, or null when none of its endpoints mismatches.</summary>
    public static Diagnostic? For(ProxyCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Origin is not { } origin)
        {
            return null;
        }

        var mismatched = new List<BackendEndpoint>();
        foreach (var endpoint in cluster.Endpoints)
        {
            if (endpoint.Verdict.Kind == VerdictKind.Mismatch)
            {
                mismatched.Add(endpoint);
            }
        }

        if (mismatched.Count == 0)
        {
            return null;
        }

        var declared = cluster.Protocol.ToWireName();
        var named = string.Join("; ", mismatched.Take(NamedEndpoints).Select(e => $"{e.Authority} {e.Verdict.Reason ?? "speaks another protocol"}"));
        var more = mismatched.Count > NamedEndpoints ? string.Create(CultureInfo.InvariantCulture, $" and {mismatched.Count - NamedEndpoints} more") : string.Empty;
        var effect = mismatched.Count == cluster.Endpoints.Length
            ? "no endpoint is left, so its routes answer 502 protocol-mismatch"
            : "they get no traffic; the other endpoints still do";
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"{mismatched.Count} of {cluster.Endpoints.Length} endpoints of port {origin.Port} do not speak the declared protocol {declared}: {named}{more}; {effect}. Fix the declaration (annotation plexus.dev/backend-protocol or the port's appProtocol) or the backend.");
        return new Diagnostic(DiagnosticSeverity.Warning, Subjects.Service(origin.Namespace, origin.Service), DiagnosticReasons.BackendProtocolMismatch, message);
    }
}
