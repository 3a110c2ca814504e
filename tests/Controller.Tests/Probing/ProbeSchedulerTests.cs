using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plexus.Controller.Runtime;
using Plexus.Proxy.Model;
using Plexus.Proxy.Probing;
using Plexus.Testing;

namespace Plexus.Controller.Tests.Probing;

public sealed class ProbeSchedulerTests : IDisposable
{
    private static readonly ProtocolVerdict H2cVerified = new(VerdictKind.Verified, BackendProtocol.H2c, "SETTINGS");
    private static readonly ProtocolVerdict Http1Only = new(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only");

    private readonly FakeTimeProvider _time = new();
    private readonly ScriptedProber _prober = new();
    private ProbeScheduler? _scheduler;

    public void Dispose() => _scheduler?.Dispose();

    [Fact]
    public async Task New_endpoints_are_probed_at_once_and_a_changed_verdict_is_signalled()
    {
        _prober.Answer(5001, H2cVerified);
        var scheduler = Create();
        var changed = scheduler.WaitForVerdictChangeAsync(CancellationToken.None).AsTask();

        var added = scheduler.SetTargets(Snapshot(BackendProtocol.H2c, 5001));

        Assert.Equal([new ProbeKey("127.0.0.1", 5001, BackendProtocol.H2c)], added);
        Assert.True(await scheduler.WaitForProbesAsync(added, TimeSpan.FromSeconds(30), CancellationToken.None));
        await changed.WaitAsync(Eventually.DefaultTimeout);
        Assert.Equal(H2cVerified, scheduler.Current.For("127.0.0.1", 5001, BackendProtocol.H2c));
    }

    [Fact]
    public async Task Known_endpoints_are_not_probed_again_by_a_new_snapshot_but_periodically()
    {
        _prober.Answer(5001, H2cVerified);
        var scheduler = Create();
        await scheduler.StartAsync(CancellationToken.None);
        var added = scheduler.SetTargets(Snapshot(BackendProtocol.H2c, 5001));
        await scheduler.WaitForProbesAsync(added, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Empty(scheduler.SetTargets(Snapshot(BackendProtocol.H2c, 5001)));
        Assert.Equal(1, _prober.Calls(5001));

        // The backend changed; the periodic probe notices. Each poll moves the clock one interval on.
        _prober.Answer(5001, Http1Only);
        await Eventually.UntilAsync(() =>
        {
            _time.Advance(TimeSpan.FromSeconds(30));
            return scheduler.Current.For("127.0.0.1", 5001, BackendProtocol.H2c) == Http1Only;
        });
        await scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Gone_endpoints_are_forgotten_and_probed_again_when_they_return()
    {
        _prober.Answer(5001, H2cVerified);
        var scheduler = Create();
        await scheduler.WaitForProbesAsync(scheduler.SetTargets(Snapshot(BackendProtocol.H2c, 5001)), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Empty(scheduler.SetTargets(Snapshot(BackendProtocol.H2c)));
        Assert.Empty(scheduler.Current.Verdicts);

        var again = scheduler.SetTargets(Snapshot(BackendProtocol.H2c, 5001));
        Assert.Single(again);
        await scheduler.WaitForProbesAsync(again, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(2, _prober.Calls(5001));
        Assert.Equal(H2cVerified, scheduler.Current.For("127.0.0.1", 5001, BackendProtocol.H2c));
    }

    [Fact]
    public async Task The_same_address_under_another_declared_protocol_is_another_target()
    {
        _prober.Answer(5001, H2cVerified);
        var scheduler = Create();

        var added = scheduler.SetTargets(Snapshot(BackendProtocol.H2c, 5001));
        await scheduler.WaitForProbesAsync(added, TimeSpan.FromSeconds(30), CancellationToken.None);
        var redeclared = scheduler.SetTargets(Snapshot(BackendProtocol.Http, 5001));

        Assert.Equal([new ProbeKey("127.0.0.1", 5001, BackendProtocol.Http)], redeclared);
    }

    [Fact]
    public async Task At_most_MaxConcurrency_probes_run_at_once()
    {
        _prober.Hold();
        var scheduler = Create(maxConcurrency: 2);

        var added = scheduler.SetTargets(Snapshot(BackendProtocol.H2c, 5001, 5002, 5003, 5004, 5005, 5006));
        await Eventually.UntilAsync(() => _prober.Running == 2);
        _prober.Release();
        Assert.True(await scheduler.WaitForProbesAsync(added, TimeSpan.FromSeconds(30), CancellationToken.None));

        Assert.Equal(2, _prober.MaxRunning);
        Assert.Equal(6, scheduler.Current.Verdicts.Count);
    }

    [Fact]
    public async Task Waiting_for_first_verdicts_is_bounded()
    {
        _prober.Hold();
        var scheduler = Create();
        var added = scheduler.SetTargets(Snapshot(BackendProtocol.H2c, 5001));

        var wait = scheduler.WaitForProbesAsync(added, TimeSpan.FromSeconds(2), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.False(await wait.WaitAsync(Eventually.DefaultTimeout));
        Assert.Empty(scheduler.Current.Verdicts);
        _prober.Release();
    }

    [Fact]
    public async Task A_failing_prober_leaves_the_endpoint_unproven_with_the_reason()
    {
        _prober.Throw(5001, new InvalidOperationException("boom"));
        var scheduler = Create();

        await scheduler.WaitForProbesAsync(scheduler.SetTargets(Snapshot(BackendProtocol.H2c, 5001)), TimeSpan.FromSeconds(30), CancellationToken.None);

        var verdict = scheduler.Current.For("127.0.0.1", 5001, BackendProtocol.H2c);
        Assert.Equal(VerdictKind.Unproven, verdict.Kind);
        Assert.Equal("probe failed: boom", verdict.Reason);
    }

    [Fact]
    public async Task SetTargets_reports_only_the_endpoints_of_the_cluster_that_changed()
    {
        _prober.Answer(5001, H2cVerified);
        var scheduler = Create();
        var web = Cluster("default/web:80", 5001, 5002);
        var api = Cluster("default/api:80", 5003);
        await scheduler.WaitForProbesAsync(scheduler.SetTargets(Snapshot(web, api)), TimeSpan.FromSeconds(30), CancellationToken.None);

        // api replaced by a new instance with one endpoint more; web is the same instance and is not looked at.
        var added = scheduler.SetTargets(Snapshot(web, Cluster("default/api:80", 5003, 5004)));

        Assert.Equal([new ProbeKey("127.0.0.1", 5004, BackendProtocol.H2c)], added);
        await scheduler.WaitForProbesAsync(added, TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Equal(1, _prober.Calls(5003));
        Assert.Equal(H2cVerified, scheduler.Current.For("127.0.0.1", 5001, BackendProtocol.H2c));
        Assert.Equal(4, scheduler.TargetCount);
    }

    [Fact]
    public async Task An_endpoint_shared_by_two_clusters_keeps_its_verdict_until_both_are_gone()
    {
        _prober.Answer(5001, H2cVerified);
        var scheduler = Create();
        var web = Cluster("default/web:80", 5001);
        var alias = Cluster("default/alias:80", 5001);
        await scheduler.WaitForProbesAsync(scheduler.SetTargets(Snapshot(alias, web)), TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.Empty(scheduler.SetTargets(Snapshot(web)));
        Assert.Equal(H2cVerified, scheduler.Current.For("127.0.0.1", 5001, BackendProtocol.H2c));

        scheduler.SetTargets(Snapshot());
        Assert.Empty(scheduler.Current.Verdicts);
        Assert.Equal(1, _prober.Calls(5001));
    }

    [Fact]
    public async Task TakeChangedClusters_names_the_clusters_of_endpoints_whose_verdict_changed()
    {
        _prober.Answer(5001, H2cVerified);
        _prober.Answer(5002, ProtocolVerdict.Unproven);
        var scheduler = Create();
        var added = scheduler.SetTargets(Snapshot(Cluster("default/web:80", 5001), Cluster("default/alias:80", 5001), Cluster("default/api:80", 5002)));
        await scheduler.WaitForProbesAsync(added, TimeSpan.FromSeconds(30), CancellationToken.None);

        // 5002 stays Unproven: no change; 5001 became Verified in both clusters that have it.
        Assert.Equal(["default/alias:80", "default/web:80"], scheduler.TakeChangedClusters().Order(StringComparer.Ordinal));
        Assert.Empty(scheduler.TakeChangedClusters());
    }

    [Fact]
    public async Task First_probes_of_new_endpoints_go_ahead_of_a_periodic_round()
    {
        var scheduler = Create(maxConcurrency: 1);
        var web = Cluster("default/web:80", 5001, 5002, 5003);
        await scheduler.WaitForProbesAsync(scheduler.SetTargets(Snapshot(web)), TimeSpan.FromSeconds(30), CancellationToken.None);
        _prober.Hold();
        scheduler.ProbeAll();
        await Eventually.UntilAsync(() => _prober.Running == 1);

        var added = scheduler.SetTargets(Snapshot(web, Cluster("default/api:80", 5009)));
        _prober.Release();

        Assert.True(await scheduler.WaitForProbesAsync(added, TimeSpan.FromSeconds(30), CancellationToken.None));
        var round = _prober.CallOrder[3..];
        Assert.Equal(5009, round[1]);
    }

    [Fact]
    public async Task First_probes_of_a_change_go_ahead_of_the_initial_round()
    {
        var scheduler = Create(maxConcurrency: 1);
        _prober.Hold();
        var initial = scheduler.SetTargets(Snapshot(Cluster("default/web:80", 5001, 5002, 5003)), ahead: false);
        await Eventually.UntilAsync(() => _prober.Running == 1);

        var added = scheduler.SetTargets(Snapshot(Cluster("default/web:80", 5001, 5002, 5003), Cluster("default/api:80", 5009)));
        _prober.Release();

        Assert.True(await scheduler.WaitForProbesAsync(initial.Concat(added), TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Equal(5009, _prober.CallOrder[1]);
    }

    [Fact]
    public async Task A_periodic_round_is_spread_over_the_interval()
    {
        var scheduler = Create();
        var ports = Enumerable.Range(5001, 600).ToArray();
        await scheduler.WaitForProbesAsync(scheduler.SetTargets(Snapshot(BackendProtocol.H2c, ports)), TimeSpan.FromSeconds(30), CancellationToken.None);
        await scheduler.StartAsync(CancellationToken.None);

        // 600 targets over 30 s in ticks of 100 ms: two per tick. The old behaviour probed all 600 after 30 s.
        var advanced = await AdvanceClockUntilAsync(() => _prober.CallOrder.Length > 600);
        Assert.True(advanced < TimeSpan.FromSeconds(30), $"the round began only after {advanced}");
        Assert.InRange(_prober.CallOrder.Length - 600, 1, 2 * (int)(advanced / TimeSpan.FromMilliseconds(100)));
        await scheduler.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_round_of_more_targets_than_the_rate_allows_in_an_interval_lasts_longer()
    {
        var scheduler = Create(interval: TimeSpan.FromSeconds(1), maxRoundProbesPerSecond: 10);
        var ports = Enumerable.Range(5001, 60).ToArray();
        await scheduler.WaitForProbesAsync(scheduler.SetTargets(Snapshot(BackendProtocol.H2c, ports)), TimeSpan.FromSeconds(30), CancellationToken.None);
        await scheduler.StartAsync(CancellationToken.None);

        // 60 targets at 10 per second: the round lasts 6 s, not the 1 s interval; 30 re-probes need 3 s at least.
        var advanced = await AdvanceClockUntilAsync(() => _prober.CallOrder.Length >= 60 + 30);
        Assert.True(advanced >= TimeSpan.FromSeconds(2.9), $"30 re-probes after {advanced}");
        await scheduler.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(30, 0)]
    public void Options_are_validated(int intervalSeconds, int maxConcurrency) =>
        Assert.Throws<ArgumentException>(() => new ProbeScheduler(
            _prober,
            Options.Create(new ProbeSchedulerOptions { Interval = TimeSpan.FromSeconds(intervalSeconds), MaxConcurrency = maxConcurrency }),
            _time,
            NullLogger<ProbeScheduler>.Instance));

    private static ProxyCluster Cluster(string id, params int[] ports) =>
        new(id, BackendProtocol.H2c, [.. ports.Select(p => new BackendEndpoint("127.0.0.1", p))]);

    private static ProxySnapshot Snapshot(params ProxyCluster[] clusters) => ProxySnapshot.Empty with { Clusters = [.. clusters] };

    private static ProxySnapshot Snapshot(BackendProtocol protocol, params int[] ports) =>
        ProxySnapshot.Empty with
        {
            Clusters = [new ProxyCluster("default/web:80", protocol, [.. ports.Select(p => new BackendEndpoint("127.0.0.1", p))])],
        };

    private ProbeScheduler Create(int maxConcurrency = 8, TimeSpan? interval = null, int maxRoundProbesPerSecond = 200)
    {
        _scheduler = new ProbeScheduler(
            _prober,
            Options.Create(new ProbeSchedulerOptions { Interval = interval ?? TimeSpan.FromSeconds(30), MaxConcurrency = maxConcurrency, MaxRoundProbesPerSecond = maxRoundProbesPerSecond }),
            _time,
            NullLogger<ProbeScheduler>.Instance);
        return _scheduler;
    }

    /// <summary>Moves the fake clock in 100 ms ticks until <paramref name="condition"/> holds; how far it moved.</summary>
    private async Task<TimeSpan> AdvanceClockUntilAsync(Func<bool> condition)
    {
        var advanced = TimeSpan.Zero;
        await Eventually.UntilAsync(() =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            advanced += TimeSpan.FromMilliseconds(100);
            return condition();
        });
        return advanced;
    }
}
