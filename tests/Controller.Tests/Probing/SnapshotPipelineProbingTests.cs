using System.Collections.Concurrent;
using System.Collections.Immutable;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plexus.Controller.Runtime;
using Plexus.Controller.Store;
using Plexus.Controller.Translation;
using Plexus.Proxy;
using Plexus.Proxy.Listeners;
using Plexus.Proxy.Model;
using Plexus.Testing;
using Prometheus;
using Plexus.Controller.Telemetry;
using Plexus.Controller.Tests.Sources.Manifests;

namespace Plexus.Controller.Tests.Probing;

/// <summary>The pipeline with a real store and scheduler, a scripted prober and a recording proxy.</summary>
public sealed class SnapshotPipelineProbingTests : IAsyncLifetime, IDisposable
{
    private static readonly ProtocolVerdict Http1Only = new(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only");
    private static readonly ProtocolVerdict H2cVerified = new(VerdictKind.Verified, BackendProtocol.H2c, "SETTINGS");

    private readonly ResourceStore _store = new(Options.Create(new ResourceStoreOptions { QuietWindow = TimeSpan.Zero, MaxDelay = TimeSpan.Zero }), TimeProvider.System);
    private readonly ScriptedProber _prober = new();
    private readonly CapturingLogger<SnapshotPipeline> _log = new();
    private readonly RecordingProxy _proxy = new();
    private readonly IMetricFactory _metrics = Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry());
    private ProbeScheduler _scheduler = null!;
    private SnapshotPipeline _pipeline = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _pipeline.StopAsync(CancellationToken.None);
        await _scheduler.StopAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        _pipeline.Dispose();
        _scheduler.Dispose();
    }

    [Fact]
    public async Task A_new_endpoint_is_applied_with_its_first_verdict_and_a_later_verdict_change_is_applied_by_itself()
    {
        _prober.Answer(8080, Http1Only);
        await StartAsync(TimeSpan.FromSeconds(30));

        Sync();

        // The first snapshot that has the endpoint already carries its verdict: it never got traffic unchecked.
        await Eventually.UntilAsync(() => _proxy.Applied.Length > 0);
        Assert.Equal(Http1Only, Endpoint(_proxy.Applied.First()).Verdict);

        // The backend is fixed; the next probe round flips the verdict and the pipeline applies it without a store change.
        _prober.Answer(8080, H2cVerified);
        _scheduler.ProbeAll();
        await Eventually.UntilAsync(() => Endpoint(_proxy.Applied.Last()).Verdict == H2cVerified);
    }

    [Fact]
    public async Task The_heap_is_compacted_once_when_the_first_probes_of_the_initial_sync_are_in()
    {
        _prober.Hold();
        await StartAsync(TimeSpan.FromSeconds(30), initialVerdictWait: TimeSpan.FromMilliseconds(10));

        Sync();

        // The initial sync is applied without waiting for its first probe; the compaction waits for it.
        await Eventually.UntilAsync(() => _proxy.Applied.Length > 0);
        Assert.DoesNotContain(_log.Entries, e => e.Message.Contains("compacted the heap", StringComparison.Ordinal));

        _prober.Answer(8080, Http1Only);
        _prober.Release();
        await Eventually.UntilAsync(() => _log.Entries.Any(e => e.Message.Contains("compacted the heap", StringComparison.Ordinal)));
        Assert.Single(_log.Entries, e => e.Message.StartsWith("Initial sync over (1 endpoints probed once)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_endpoint_that_never_answers_does_not_hold_the_control_plane()
    {
        _prober.Hold();
        await StartAsync(TimeSpan.FromMilliseconds(50));

        Sync();

        await Eventually.UntilAsync(() => _proxy.Applied.Length > 0);
        Assert.Equal(VerdictKind.Unproven, Endpoint(_proxy.Applied.First()).Verdict.Kind);
        _prober.Answer(8080, H2cVerified);
        _prober.Release();
        await Eventually.UntilAsync(() => Endpoint(_proxy.Applied.Last()).Verdict == H2cVerified);
    }

    [Fact]
    public async Task The_initial_sync_waits_only_InitialVerdictWait_and_a_later_new_endpoint_waits_for_its_probe()
    {
        _prober.Answer(8080, H2cVerified);
        _prober.Hold();
        await StartAsync(TimeSpan.FromMinutes(5), initialVerdictWait: TimeSpan.Zero);

        Sync();

        // Not held back by the 5 minute bound: the first snapshot serves with the endpoint Unproven.
        await Eventually.UntilAsync(() => _proxy.Applied.Length > 0);
        Assert.Equal(VerdictKind.Unproven, Endpoint(_proxy.Applied.First()).Verdict.Kind);

        // A later new endpoint is probed before it is applied.
        _store.Upsert(Slice("10.0.0.1", "10.0.0.2"));
        await Eventually.UntilAsync(() => _prober.Calls(8080) == 2);
        Assert.Single(_proxy.Applied);
        _prober.Release();

        await Eventually.UntilAsync(() => _proxy.Applied.Any(s => Endpoints(s).Any(e => e.Host == "10.0.0.2")));
        var first = _proxy.Applied.First(s => Endpoints(s).Any(e => e.Host == "10.0.0.2"));
        Assert.Equal(H2cVerified, Endpoints(first).Single(e => e.Host == "10.0.0.2").Verdict);
    }

    private static ImmutableArray<BackendEndpoint> Endpoints(ProxySnapshot snapshot) =>
        Assert.Single(snapshot.Clusters, c => c.Id == "default/web:80").Endpoints;

    private static V1EndpointSlice Slice(params string[] addresses) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-1", NamespaceProperty = "default", ResourceVersion = string.Join("-", addresses), Labels = new Dictionary<string, string> { [ResourceStore.ServiceNameLabel] = "web" } },
        AddressType = "IPv4",
        Endpoints = [.. addresses.Select(a => new V1Endpoint { Addresses = [a], Conditions = new V1EndpointConditions { Ready = true } })],
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080 }],
    };

    private static BackendEndpoint Endpoint(ProxySnapshot snapshot) =>
        Assert.Single(Assert.Single(snapshot.Clusters, c => c.Id == "default/web:80").Endpoints);

    private async Task StartAsync(TimeSpan firstVerdictWait, TimeSpan? initialVerdictWait = null)
    {
        var probeOptions = Options.Create(new ProbeSchedulerOptions { FirstVerdictWait = firstVerdictWait, InitialVerdictWait = initialVerdictWait ?? firstVerdictWait });
        _scheduler = new ProbeScheduler(_prober, probeOptions, TimeProvider.System, NullLogger<ProbeScheduler>.Instance);
        _pipeline = new SnapshotPipeline(
            _store,
            _proxy,
            new ReadinessState(),
            new CertificateCache(),
            new CertificateTable(SelfSignedCertificate.Create()),
            _scheduler,
            new ProtocolVerdictMetrics(_metrics),
            new ControlPlaneMetrics(_metrics, TimeProvider.System),
            Options.Create(new TranslatorOptions()),
            probeOptions,
            _log);
        await _scheduler.StartAsync(CancellationToken.None);
        await _pipeline.StartAsync(CancellationToken.None);
    }

    private void Sync()
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", ResourceVersion = "1", Annotations = new Dictionary<string, string> { ["plexus.dev/backend-protocol"] = "h2c" } },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "http", Port = 80 }] },
        };
        var ingress = new V1Ingress
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", ResourceVersion = "1" },
            Spec = new V1IngressSpec
            {
                IngressClassName = "plexus",
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = "web.test",
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths = [new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "web", Port = new V1ServiceBackendPort { Number = 80 } } } }],
                        },
                    },
                ],
            },
        };
        var slice = Slice("10.0.0.1");
        var ingressClass = new V1IngressClass { Metadata = new V1ObjectMeta { Name = "plexus", ResourceVersion = "1" }, Spec = new V1IngressClassSpec { Controller = "plexus.dev/ingress-controller" } };

        foreach (var kind in ResourceKinds.All)
        {
            IEnumerable<IKubernetesObject<V1ObjectMeta>> objects = kind switch
            {
                ResourceKind.Service => [service],
                ResourceKind.Ingress => [ingress],
                ResourceKind.EndpointSlice => [slice],
                ResourceKind.IngressClass => [ingressClass],
                _ => [],
            };
            _store.ReplaceAll(kind, objects);
        }
    }

    private sealed class RecordingProxy : ISnapshotApplier
    {
        private readonly ConcurrentQueue<ProxySnapshot> _applied = new();

        public ProxySnapshot[] Applied => [.. _applied];

        public ProxySnapshot Current => _applied.LastOrDefault() ?? ProxySnapshot.Empty;

        public ValueTask<SnapshotApplyResult> ApplyAsync(ProxySnapshot snapshot, CancellationToken ct)
        {
            _applied.Enqueue(snapshot);
            return ValueTask.FromResult(SnapshotApplyResult.Success);
        }
    }
}
