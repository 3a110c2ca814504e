using Plexus.Proxy.Model;
using Plexus.Proxy.Probing;
using Plexus.Testing;
using Xunit.Abstractions;

namespace Plexus.Proxy.Tests.Probing;

public sealed class ProtocolProberTests(ITestOutputHelper output)
{
    private static readonly ProtocolProber Prober = new(new ProbeOptions { ConnectTimeout = TimeSpan.FromSeconds(5), ResponseTimeout = TimeSpan.FromSeconds(5) });

    public static TheoryData<TestBackendKind, BackendProtocol, VerdictKind, BackendProtocol?> Backends => new()
    {
        // h2c declared
        { TestBackendKind.H2c, BackendProtocol.H2c, VerdictKind.Verified, BackendProtocol.H2c },
        { TestBackendKind.Http1, BackendProtocol.H2c, VerdictKind.Mismatch, BackendProtocol.Http },
        { TestBackendKind.Http1AndHttp2Cleartext, BackendProtocol.H2c, VerdictKind.Mismatch, BackendProtocol.Http },
        { TestBackendKind.TlsH2, BackendProtocol.H2c, VerdictKind.Mismatch, BackendProtocol.H2 },
        { TestBackendKind.TlsHttp1, BackendProtocol.Http, VerdictKind.Mismatch, BackendProtocol.Https },

        // http declared
        { TestBackendKind.Http1, BackendProtocol.Http, VerdictKind.Verified, BackendProtocol.Http },
        { TestBackendKind.Http1AndHttp2Cleartext, BackendProtocol.Http, VerdictKind.Verified, BackendProtocol.Http },
        { TestBackendKind.H2c, BackendProtocol.Http, VerdictKind.Mismatch, BackendProtocol.H2c },

        // auto
        { TestBackendKind.H2c, BackendProtocol.Auto, VerdictKind.Verified, BackendProtocol.H2c },
        { TestBackendKind.Http1, BackendProtocol.Auto, VerdictKind.Verified, BackendProtocol.Http },
        { TestBackendKind.Http1AndHttp2Cleartext, BackendProtocol.Auto, VerdictKind.Verified, BackendProtocol.Http },

        // h2 declared: ALPN decides
        { TestBackendKind.TlsH2, BackendProtocol.H2, VerdictKind.Verified, BackendProtocol.H2 },
        { TestBackendKind.TlsHttp1AndHttp2, BackendProtocol.H2, VerdictKind.Verified, BackendProtocol.H2 },
        { TestBackendKind.TlsHttp1, BackendProtocol.H2, VerdictKind.Mismatch, BackendProtocol.Https },
        { TestBackendKind.Http1, BackendProtocol.H2, VerdictKind.Mismatch, BackendProtocol.Http },
        { TestBackendKind.H2c, BackendProtocol.H2, VerdictKind.Mismatch, BackendProtocol.H2c },

        // https declared: h2 preferred, HTTP/1.1 over TLS accepted
        { TestBackendKind.TlsH2, BackendProtocol.Https, VerdictKind.Verified, BackendProtocol.H2 },
        { TestBackendKind.TlsHttp1AndHttp2, BackendProtocol.Https, VerdictKind.Verified, BackendProtocol.H2 },
        { TestBackendKind.TlsHttp1, BackendProtocol.Https, VerdictKind.Verified, BackendProtocol.Https },
        { TestBackendKind.Http1, BackendProtocol.Https, VerdictKind.Mismatch, BackendProtocol.Http },
    };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Kestrel_backends_get_the_expected_verdict(TestBackendKind kind, BackendProtocol declared, VerdictKind expected, BackendProtocol? observed)
    {
        await using var backend = await TestBackend.StartAsync(kind);

        var verdict = await Prober.ProbeAsync(backend.Host, backend.Port, declared, CancellationToken.None);

        Assert.True(expected == verdict.Kind && observed == verdict.Observed, $"{kind} declared {declared}: got {verdict}");
        Assert.False(string.IsNullOrWhiteSpace(verdict.Reason));
        output.WriteLine($"{kind} declared {declared}: {verdict}");
    }

    [Fact]
    public async Task Http1_only_answer_to_the_h2c_preface_says_so()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.Http1);

        var verdict = await Prober.ProbeAsync(backend.Host, backend.Port, BackendProtocol.H2c, CancellationToken.None);

        Assert.StartsWith("speaks HTTP/1.1 only", verdict.Reason, StringComparison.Ordinal);
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public async Task H2c_only_answer_to_an_http1_request_says_so()
    {
        await using var backend = await TestBackend.StartAsync(TestBackendKind.H2c);

        var verdict = await Prober.ProbeAsync(backend.Host, backend.Port, BackendProtocol.Http, CancellationToken.None);

        Assert.StartsWith("speaks h2c only", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BackendProtocol.H2c)]
    [InlineData(BackendProtocol.Auto)]
    public async Task A_raw_http11_400_to_the_preface_is_http1(BackendProtocol declared)
    {
        await using var server = MisbehavingServer.Start(Misbehavior.AnswerHttp11BadRequest);

        var verdict = await Prober.ProbeAsync(server.Host, server.Port, declared, CancellationToken.None);

        Assert.Equal(BackendProtocol.Http, verdict.Observed);
        Assert.Equal(declared == BackendProtocol.H2c ? VerdictKind.Mismatch : VerdictKind.Verified, verdict.Kind);
        Assert.Contains("HTTP/1.1 400 Bad Request", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Misbehavior.NeverAnswer, BackendProtocol.H2c, "no answer")]
    [InlineData(Misbehavior.NeverAnswer, BackendProtocol.Http, "no answer")]
    [InlineData(Misbehavior.NeverAnswer, BackendProtocol.Auto, "no answer")]
    [InlineData(Misbehavior.NeverAnswer, BackendProtocol.H2, "no TLS handshake")]
    [InlineData(Misbehavior.ResetOnAccept, BackendProtocol.H2c, "")]
    [InlineData(Misbehavior.ResetOnAccept, BackendProtocol.Http, "")]
    [InlineData(Misbehavior.ResetOnAccept, BackendProtocol.Https, "")]
    public async Task Silence_and_resets_are_unproven(Misbehavior behavior, BackendProtocol declared, string reason)
    {
        await using var server = MisbehavingServer.Start(behavior);
        var prober = new ProtocolProber(new ProbeOptions { ResponseTimeout = TimeSpan.FromMilliseconds(300) });

        var verdict = await prober.ProbeAsync(server.Host, server.Port, declared, CancellationToken.None);

        Assert.Equal(VerdictKind.Unproven, verdict.Kind);
        Assert.Null(verdict.Observed);
        Assert.Contains(reason, verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BackendProtocol.H2c)]
    [InlineData(BackendProtocol.Http)]
    [InlineData(BackendProtocol.H2)]
    [InlineData(BackendProtocol.Auto)]
    public async Task A_closed_port_is_unproven_connection_refused(BackendProtocol declared)
    {
        var verdict = await Prober.ProbeAsync("127.0.0.1", ClosedPort.Get(), declared, CancellationToken.None);

        Assert.Equal(VerdictKind.Unproven, verdict.Kind);
        Assert.Equal("unreachable: connection refused", verdict.Reason);
    }

    [Fact]
    public async Task Cancellation_is_not_a_verdict()
    {
        await using var server = MisbehavingServer.Start(Misbehavior.NeverAnswer);
        using var cancel = new CancellationTokenSource();
        var probe = Prober.ProbeAsync(server.Host, server.Port, BackendProtocol.H2c, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);
    }

    [Fact]
    public void Options_must_have_positive_timeouts() =>
        Assert.Throws<ArgumentException>(() => new ProtocolProber(new ProbeOptions { ResponseTimeout = TimeSpan.Zero }));
}
