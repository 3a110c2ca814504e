using System.Collections.Immutable;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Events;

/// <summary>Which Events a snapshot's diagnostics call for. Pure.</summary>
public static class DiagnosticEvents
{
    public const string Warning = "Warning";
    public const string Normal = "Normal";

    /// <summary>Reasons of backend protocol verdicts: also reported on every Ingress routing to the Service (issue 4).</summary>
    public static readonly ImmutableHashSet<string> ProtocolVerdictReasons = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        Translation.DiagnosticReasons.BackendProtocolMismatch,
        Translation.DiagnosticReasons.ReadinessProbeIncompatible,
        Translation.DiagnosticReasons.InvalidBackendProtocol);

    /// <summary>
    /// Warning and Error diagnostics, and every protocol verdict, become Events on their subject; a Service's protocol
    /// verdict also becomes an Event on each Ingress with a route to that Service (found through the clusters' origins).
    /// Diagnostics of one object, reason and type are one Event whose message joins their distinct messages, in order.
    /// </summary>
    public static ImmutableArray<DesiredEvent> From(ProxySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var keys = new List<EventKey>();
        var messages = new Dictionary<EventKey, List<string>>();
        ILookup<(string, string), RouteOrigin>? ingressesByService = null;
        foreach (var diagnostic in snapshot.Diagnostics)
        {
            var isVerdict = ProtocolVerdictReasons.Contains(diagnostic.Reason);
            if (diagnostic.Severity == DiagnosticSeverity.Info && !isVerdict)
            {
                continue;
            }

            var type = diagnostic.Severity == DiagnosticSeverity.Info ? Normal : Warning;
            Add(new EventKey(diagnostic.Subject, diagnostic.Reason, type), diagnostic.Message);
            if (!isVerdict || diagnostic.Subject.Kind != "Service" || diagnostic.Subject.Namespace is not { } ns)
            {
                continue;
            }

            ingressesByService ??= IngressesByService(snapshot);
            foreach (var origin in ingressesByService[(ns, diagnostic.Subject.Name)])
            {
                Add(
                    new EventKey(new ObjectRef("Ingress", origin.Namespace, origin.Ingress), diagnostic.Reason, type),
                    $"Service {ns}/{diagnostic.Subject.Name}: {diagnostic.Message}");
            }
        }

        return [.. keys.Select(k => new DesiredEvent(k, string.Join("; ", messages[k])))];

        void Add(EventKey key, string message)
        {
            if (!messages.TryGetValue(key, out var list))
            {
                keys.Add(key);
                messages[key] = list = [];
            }

            if (!list.Contains(message, StringComparer.Ordinal))
            {
                list.Add(message);
            }
        }
    }

    private static ILookup<(string, string), RouteOrigin> IngressesByService(ProxySnapshot snapshot)
    {
        var services = snapshot.Clusters
            .Where(c => c.Origin is not null)
            .ToDictionary(c => c.Id, c => (c.Origin!.Namespace, c.Origin.Service), StringComparer.Ordinal);
        return snapshot.Routes
            .Where(r => r.Origin is not null && services.ContainsKey(r.ClusterId))
            .Select(r => (Service: services[r.ClusterId], Origin: r.Origin!))
            .Distinct()
            .OrderBy(p => p.Origin.Namespace, StringComparer.Ordinal).ThenBy(p => p.Origin.Ingress, StringComparer.Ordinal)
            .ToLookup(p => p.Service, p => p.Origin);
    }
}
