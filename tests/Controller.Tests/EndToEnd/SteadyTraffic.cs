using System.Collections.Concurrent;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// Sends requests back to back to a route that a test does not change (alternating HTTP/1.1 and h2c), while the test
/// changes other things. Every response must be the expected one: a reload, reconnect or relist must not cost a request.
/// </summary>
public sealed class SteadyTraffic : IAsyncDisposable
{
    private readonly PlexusUnderTest _plexus;
    private readonly string _path;
    private readonly Func<ProxyResponse, bool> _expected;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Task _loop;
    private int _succeeded;

    private SteadyTraffic(PlexusUnderTest plexus, string path, Func<ProxyResponse, bool> expected)
    {
        _plexus = plexus;
        _path = path;
        _expected = expected;
        _loop = Task.Run(RunAsync);
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    public static SteadyTraffic Start(PlexusUnderTest plexus, string path, Func<ProxyResponse, bool> expected) => new(plexus, path, expected);

    /// <summary>
    /// Waits until at least <paramref name="minimum"/> more requests succeeded (so the loop really overlapped the
    /// changes, however fast they were), stops, and asserts that none failed.
    /// </summary>
    public async Task StopAndAssertNoFailuresAsync(int minimum = 50)
    {
        var target = Succeeded + minimum;
        await Plexus.Testing.Eventually.UntilAsync(() => Succeeded >= target || !_failures.IsEmpty, because: $"{minimum} more steady requests");
        await _stop.CancelAsync();
        await _loop;
        Assert.True(_failures.IsEmpty, $"{_failures.Count} of {_failures.Count + Succeeded} requests to the unchanged route {_path} failed: {string.Join(" | ", _failures.Take(5))}");
        Assert.True(Succeeded >= minimum, $"only {Succeeded} requests were sent");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var protocol = ClientProtocol.Http11;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var response = await _plexus.GetAsync(_path, protocol);
                if (_expected(response))
                {
                    Interlocked.Increment(ref _succeeded);
                }
                else
                {
                    _failures.Enqueue($"{protocol}: {response}");
                }
            }
#pragma warning disable CA1031 // Any exception is a lost request; it is recorded and the test fails on it.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _failures.Enqueue($"{protocol}: {exception.GetType().Name}: {exception.Message}");
            }

            protocol = protocol == ClientProtocol.Http11 ? ClientProtocol.H2c : ClientProtocol.Http11;
        }
    }
}
