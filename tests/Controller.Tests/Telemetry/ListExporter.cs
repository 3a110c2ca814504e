using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Plexus.Controller.Tests.Telemetry;

/// <summary>Keeps exported spans in memory.</summary>
internal sealed class ListExporter : BaseExporter<Activity>
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public IReadOnlyList<Activity> Spans => [.. _spans];

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch)
        {
            _spans.Enqueue(activity);
        }

        return ExportResult.Success;
    }
}
