using System.Collections.Immutable;
using Plexus.Controller.Translation;
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
    // Series of the clusters last seen, with the number of clusters behind each (two unresolved references may share one).
    private readonly Dictionary<PortLabels, int> _series = [];
    private ImmutableArray<ProxyCluster> _clusters = [];

    public ProtocolVerdictMetrics(IMetricFactory metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _verdicts = metrics.CreateGauge(
            Name,
            "Endpoints of a backend Service port by protocol verdict under the declared protocol.",
            new GaugeConfiguration { LabelNames = ["namespace", "service", "port", "declared", "verdict"] });
    }

    /// <summary>
    /// Brings the series in line with <paramref name="snapshot"/>. Costs what changed since the previous call: clusters
    /// reference-equal to the previous ones (<see cref="ClusterChanges"/>) are not looked at.
    /// </summary>
    public void Update(ProxySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        foreach (var (old, next) in ClusterChanges.Between(_clusters, snapshot.Clusters))
        {
            // The new series first: a port whose cluster was replaced keeps its series.
            if (next is not null && Labels(next) is { } added)
            {
                _series[added] = _series.GetValueOrDefault(added) + 1;
                Set(added, next);
            }

            if (old is not null && Labels(old) is { } gone && _series.TryGetValue(gone, out var count))
            {
                if (count > 1)
                {
                    _series[gone] = count - 1;
                }
                else
                {
                    _series.Remove(gone);
                    foreach (var kind in Kinds)
                    {
                        _verdicts.RemoveLabelled(gone.Namespace, gone.Service, gone.Port, gone.Declared, Label(kind));
                    }
                }
            }
        }

        _clusters = snapshot.Clusters;
    }

    private static PortLabels? Labels(ProxyCluster cluster) =>
        cluster.Origin is { } origin ? new PortLabels(origin.Namespace, origin.Service, origin.Port, cluster.Protocol.ToWireName()) : null;

    private void Set(PortLabels labels, ProxyCluster cluster)
    {
        Span<int> counts = stackalloc int[Kinds.Length];
        foreach (var endpoint in cluster.Endpoints)
        {
            counts[Array.IndexOf(Kinds, endpoint.Verdict.Kind)]++;
        }

        for (var i = 0; i < Kinds.Length; i++)
        {
            _verdicts.WithLabels(labels.Namespace, labels.Service, labels.Port, labels.Declared, Label(Kinds[i])).Set(counts[i]);
        }
    }

    private static string Label(VerdictKind kind) => kind switch
    {
        VerdictKind.Verified => "verified",
        VerdictKind.Mismatch => "mismatch",
        _ => "unproven",
    };

    private readonly record struct PortLabels(string Namespace, string Service, string Port, string Declared);
}
