using Plexus.Proxy.Model;
using Prometheus;

namespace Plexus.Controller.Runtime;

/// <summary>
/// <c>plexus_backend_protocol_verdict{namespace,service,port,declared,verdict}</c>: per Service port (cluster) of the
/// applied snapshot, the number of endpoints with each verdict (<c>verified</c>, <c>mismatch</c>, <c>unproven</c>).
/// All three series exist for every port (0 when none), so <c>plexus_backend_protocol_verdict{verdict="mismatch"} &gt; 0</c>
/// is an alert; series of ports that left the snapshot are removed. Updated by one caller (the pipeline).
/// </summary>
public sealed class ProtocolVerdictMetrics
{
    public const string Name = "plexus_backend_protocol_verdict";

    private static readonly VerdictKind[] Kinds = [VerdictKind.Verified, VerdictKind.Mismatch, VerdictKind.Unproven];

    private readonly Gauge _verdicts;
    private HashSet<PortLabels> _series = [];

    public ProtocolVerdictMetrics(IMetricFactory metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _verdicts = metrics.CreateGauge(
            Name,
            "Endpoints of a backend Service port by protocol verdict under the declared protocol.",
            new GaugeConfiguration { LabelNames = ["namespace", "service", "port", "declared", "verdict"] });
    }

    public void Update(ProxySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var current = new HashSet<PortLabels>();
        Span<int> counts = stackalloc int[Kinds.Length];
        foreach (var cluster in snapshot.Clusters)
        {
            if (cluster.Origin is not { } origin)
            {
                continue;
            }

            counts.Clear();
            foreach (var endpoint in cluster.Endpoints)
            {
                counts[Array.IndexOf(Kinds, endpoint.Verdict.Kind)]++;
            }

            var labels = new PortLabels(origin.Namespace, origin.Service, origin.Port, cluster.Protocol.ToWireName());
            current.Add(labels);
            for (var i = 0; i < Kinds.Length; i++)
            {
                _verdicts.WithLabels(labels.Namespace, labels.Service, labels.Port, labels.Declared, Label(Kinds[i])).Set(counts[i]);
            }
        }

        foreach (var gone in _series)
        {
            if (!current.Contains(gone))
            {
                foreach (var kind in Kinds)
                {
                    _verdicts.RemoveLabelled(gone.Namespace, gone.Service, gone.Port, gone.Declared, Label(kind));
                }
            }
        }

        _series = current;
    }

    private static string Label(VerdictKind kind) => kind switch
    {
        VerdictKind.Verified => "verified",
        VerdictKind.Mismatch => "mismatch",
        _ => "unproven",
    };

    private readonly record struct PortLabels(string Namespace, string Service, string Port, string Declared);
}
