using System.Buffers.Binary;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Plexus.Proxy.Model;

namespace Plexus.Proxy.Probing;

/// <summary>
/// Probes endpoints over raw sockets: the h2c client preface, a minimal HTTP/1.1 request, or a TLS handshake whose ALPN
/// decides. One connection per probe, closed at once; nothing is kept between probes, so one instance may probe many
/// endpoints concurrently.
/// </summary>
/// <remarks>
/// Verdicts by declared protocol:
/// <list type="bullet">
/// <item>h2c: SETTINGS back → Verified (Observed h2c). An HTTP/1.x status line, a first "frame" whose length reads
/// "HTT", or GOAWAY HTTP_1_1_REQUIRED → Mismatch "speaks HTTP/1.1 only" (Observed http). TLS records back → Mismatch
/// (Observed https). Other bytes → Mismatch. Refused, reset, closed without a byte, silence → Unproven.</item>
/// <item>http: any HTTP/1.x status line → Verified (Observed http), except Kestrel's 400 "HTTP/1.x request was sent to an
/// HTTP/2 only endpoint"; that and HTTP/2 frames back → Mismatch "speaks h2c only" (Observed h2c).</item>
/// <item>h2 / https: the TLS handshake with ALPN h2 (h2) or h2 + http/1.1 (https); Observed h2 when ALPN selected h2,
/// https when the session speaks HTTP/1.1 over TLS (ALPN http/1.1 or none). h2 without h2 selected → Mismatch. A peer
/// that answers the ClientHello in plaintext HTTP/1.x or HTTP/2 is clearly not TLS → Mismatch (Observed http or h2c).
/// Any other handshake failure → Unproven with the reason.</item>
/// <item>auto: the h2c probe; h2c → Verified (Observed h2c); HTTP/1.1 seen → Verified (Observed http, the endpoint gets
/// HTTP/1.1); anything else as for h2c.</item>
/// </list>
/// </remarks>
public sealed class ProtocolProber : IProtocolProber
{
    private const int Http11Required = 0xd;
    private const byte SettingsFrame = 0x4;
    private const byte GoAwayFrame = 0x7;
    private const int AnswerBufferBytes = 4096;
    private const string ClosedWithoutAnswer = "unreachable: closed the connection without answering";
    private const string HandshakeFailed = "TLS handshake failed";

    // The client preface followed by an empty SETTINGS frame (RFC 9113 section 3.4).
    private static readonly byte[] H2cOpening = [.. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8, 0, 0, 0, SettingsFrame, 0, 0, 0, 0, 0];

    // Said before closing a verified h2c connection, so the server does not log an aborted connection.
    private static readonly byte[] GoAwayNoError = [0, 0, 8, GoAwayFrame, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private readonly ProbeOptions _options;

    public ProtocolProber(ProbeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ConnectTimeout <= TimeSpan.Zero || options.ResponseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("ConnectTimeout and ResponseTimeout must be positive.", nameof(options));
        }

        _options = options;
    }

    public ProtocolProber()
        : this(new ProbeOptions())
    {
    }

    public async Task<ProtocolVerdict> ProbeAsync(string host, int port, BackendProtocol declared, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);

        var (socket, failure) = await ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        if (socket is null)
        {
            return Unreachable(failure!);
        }

        ProtocolVerdict verdict;
        using (socket)
        {
            verdict = declared switch
            {
                BackendProtocol.H2c => await ProbeH2cAsync(socket, auto: false, cancellationToken).ConfigureAwait(false),
                BackendProtocol.Auto => await ProbeH2cAsync(socket, auto: true, cancellationToken).ConfigureAwait(false),
                BackendProtocol.Http => await ProbeHttp1Async(socket, host, port, cancellationToken).ConfigureAwait(false),
                BackendProtocol.H2 or BackendProtocol.Https => await ProbeTlsAsync(socket, host, declared, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(declared), declared, null),
            };
        }

        return await ExplainAsync(host, port, declared, verdict, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Some refusals only say what they are with a second look: a TLS server closes a cleartext connection without a
    /// byte, and one without h2 in its ALPN list fails a handshake that offers only h2. A second connection (offering
    /// TLS, or http/1.1 too) tells those apart from an endpoint that is merely down.
    /// </summary>
    private async Task<ProtocolVerdict> ExplainAsync(string host, int port, BackendProtocol declared, ProtocolVerdict verdict, CancellationToken cancellationToken)
    {
        var closedSilently = verdict is { Kind: VerdictKind.Unproven, Reason: ClosedWithoutAnswer } && !declared.UsesTls();
        var refusedH2Handshake = declared == BackendProtocol.H2 && verdict is { Kind: VerdictKind.Unproven, Reason: { } reason } && reason.StartsWith(HandshakeFailed, StringComparison.Ordinal);
        if (!closedSilently && !refusedH2Handshake)
        {
            return verdict;
        }

        var (socket, _) = await ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        if (socket is null)
        {
            return verdict;
        }

        ProtocolVerdict tls;
        using (socket)
        {
            tls = await ProbeTlsAsync(socket, host, BackendProtocol.Https, cancellationToken).ConfigureAwait(false);
        }

        if (tls.Kind != VerdictKind.Verified)
        {
            return verdict;
        }

        if (closedSilently)
        {
            return new(VerdictKind.Mismatch, tls.Observed, $"expects TLS (closed the cleartext connection without answering; a TLS handshake succeeded: {tls.Reason})");
        }

        return tls.Observed == BackendProtocol.Https
            ? new(VerdictKind.Mismatch, BackendProtocol.Https, $"speaks HTTP/1.1 over TLS only (refused a TLS handshake offering only h2; offering http/1.1 too: {tls.Reason})")
            : verdict;
    }

    private static ProtocolVerdict Unreachable(string reason) => new(VerdictKind.Unproven, null, $"unreachable: {reason}");

    private async Task<(Socket? Socket, string? Failure)> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return (socket, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return (null, $"connect timed out after {Seconds(_options.ConnectTimeout)}");
        }
        catch (SocketException exception)
        {
            socket.Dispose();
            return (null, exception.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData => $"host {host} not found",
                _ => exception.Message,
            });
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<ProtocolVerdict> ProbeH2cAsync(Socket socket, bool auto, CancellationToken cancellationToken)
    {
        var answer = await ExchangeAsync(socket, H2cOpening, minimum: 9, cancellationToken).ConfigureAwait(false);
        if (answer.Failure is { } failure)
        {
            return Unreachable(failure);
        }

        var bytes = answer.Bytes.Span;
        if (StartsWithHttp1(bytes) || (bytes.Length >= 3 && ReadFrameLength(bytes) == 0x485454))
        {
            var detail = $"answered the h2c preface with \"{StatusLine(bytes)}\"";
            return auto ? new(VerdictKind.Verified, BackendProtocol.Http, $"speaks HTTP/1.1 ({detail})") : new(VerdictKind.Mismatch, BackendProtocol.Http, $"speaks HTTP/1.1 only ({detail})");
        }

        if (bytes.Length >= 9 && bytes[3] == SettingsFrame && (bytes[4] & 0x1) == 0 && ReadStreamId(bytes) == 0)
        {
            await TrySendAsync(socket, GoAwayNoError).ConfigureAwait(false);
            return new(VerdictKind.Verified, BackendProtocol.H2c, "answered the h2c preface with SETTINGS");
        }

        if (bytes.Length >= 9 && bytes[3] == GoAwayFrame)
        {
            var code = await ReadGoAwayCodeAsync(socket, answer, cancellationToken).ConfigureAwait(false);
            if (code == Http11Required)
            {
                const string detail = "answered the h2c preface with GOAWAY HTTP_1_1_REQUIRED";
                return auto ? new(VerdictKind.Verified, BackendProtocol.Http, $"speaks HTTP/1.1 ({detail})") : new(VerdictKind.Mismatch, BackendProtocol.Http, $"speaks HTTP/1.1 only ({detail})");
            }

            return new(VerdictKind.Mismatch, null, $"refused the h2c preface with GOAWAY (error code {code?.ToString(CultureInfo.InvariantCulture) ?? "unknown"})");
        }

        return NotCleartext(bytes, "the h2c preface");
    }

    private async Task<ProtocolVerdict> ProbeHttp1Async(Socket socket, string host, int port, CancellationToken cancellationToken)
    {
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        var request = Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: plexus-probe\r\nConnection: close\r\n\r\n");
        var answer = await ExchangeAsync(socket, request, minimum: 9, cancellationToken).ConfigureAwait(false);
        if (answer.Failure is { } failure)
        {
            return Unreachable(failure);
        }

        var bytes = answer.Bytes.Span;
        if (StartsWithHttp1(bytes))
        {
            var statusLine = StatusLine(bytes);
            if (statusLine.Contains(" 400", StringComparison.Ordinal))
            {
                // Kestrel's h2c-only endpoint answers an HTTP/1.x request with a 400 that says so in its body.
                var whole = await ReadToEndAsync(socket, answer, cancellationToken).ConfigureAwait(false);
                if (whole.Contains("HTTP/2 only endpoint", StringComparison.OrdinalIgnoreCase))
                {
                    return new(VerdictKind.Mismatch, BackendProtocol.H2c, $"speaks h2c only (answered an HTTP/1.1 request with \"{statusLine}\": HTTP/1.x request was sent to an HTTP/2 only endpoint)");
                }
            }

            return new(VerdictKind.Verified, BackendProtocol.Http, $"answered HTTP/1.1 with \"{statusLine}\"");
        }

        if (LooksLikeHttp2Frame(bytes))
        {
            return new(VerdictKind.Mismatch, BackendProtocol.H2c, "speaks h2c only (answered an HTTP/1.1 request with HTTP/2 frames)");
        }

        return NotCleartext(bytes, "an HTTP/1.1 request");
    }

    private async Task<ProtocolVerdict> ProbeTlsAsync(Socket socket, string host, BackendProtocol declared, CancellationToken cancellationToken)
    {
        var network = new FirstBytesStream(new NetworkStream(socket, ownsSocket: false));
        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        await using (tls.ConfigureAwait(false))
        {
            var authentication = new SslClientAuthenticationOptions
            {
                TargetHost = host,
                ApplicationProtocols = declared == BackendProtocol.H2
                    ? [SslApplicationProtocol.Http2]
                    : [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
            };
            if (!_options.VerifyCertificate)
            {
#pragma warning disable CA5359 // Deliberate and configurable: the probe asks which protocol the port speaks, not whom to trust.
                authentication.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ResponseTimeout);
            try
            {
                await tls.AuthenticateAsClientAsync(authentication, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Unreachable($"no TLS handshake within {Seconds(_options.ResponseTimeout)}");
            }
            catch (Exception exception) when (exception is AuthenticationException or IOException or SocketException)
            {
                return TlsFailure(network.FirstBytes.Span, exception);
            }

            var alpn = tls.NegotiatedApplicationProtocol;
            var protocolVersion = tls.SslProtocol;
            if (alpn == SslApplicationProtocol.Http2)
            {
                return new(VerdictKind.Verified, BackendProtocol.H2, $"TLS ({protocolVersion}), ALPN selected h2");
            }

            var selected = alpn == default ? "no ALPN protocol" : $"ALPN {alpn}";
            return declared == BackendProtocol.H2
                ? new(VerdictKind.Mismatch, BackendProtocol.Https, $"speaks HTTP/1.1 over TLS only (TLS completed, the server selected {selected}, not h2)")
                : new(VerdictKind.Verified, BackendProtocol.Https, $"TLS ({protocolVersion}), {selected}: HTTP/1.1 over TLS");
        }
    }

    private static ProtocolVerdict TlsFailure(ReadOnlySpan<byte> firstBytes, Exception exception)
    {
        if (StartsWithHttp1(firstBytes))
        {
            return new(VerdictKind.Mismatch, BackendProtocol.Http, $"does not speak TLS (answered the TLS ClientHello with plaintext \"{StatusLine(firstBytes)}\")");
        }

        if (LooksLikeHttp2Frame(firstBytes))
        {
            return new(VerdictKind.Mismatch, BackendProtocol.H2c, "does not speak TLS (answered the TLS ClientHello with cleartext HTTP/2 frames)");
        }

        // A TLS peer that refused us (alert, certificate, version) or a connection cut mid-handshake: a health or
        // configuration matter the reason explains, not proof of another protocol.
        var message = exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message;
        return new(VerdictKind.Unproven, null, $"{HandshakeFailed}: {message}");
    }

    /// <summary>What came back was neither the expected answer nor the "other" cleartext protocol.</summary>
    private static ProtocolVerdict NotCleartext(ReadOnlySpan<byte> bytes, string what)
    {
        if (IsTlsRecord(bytes))
        {
            return new(VerdictKind.Mismatch, BackendProtocol.Https, $"expects TLS (answered {what} with a TLS record)");
        }

        return new(VerdictKind.Mismatch, null, $"does not speak HTTP (answered {what} with bytes {Convert.ToHexString(bytes[..Math.Min(bytes.Length, 16)])})");
    }

    /// <summary>Sends <paramref name="request"/> and reads until at least <paramref name="minimum"/> bytes, the end of the stream or the timeout.</summary>
    private async Task<Answer> ExchangeAsync(Socket socket, byte[] request, int minimum, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ResponseTimeout);
        var buffer = new byte[AnswerBufferBytes];
        var received = 0;
        try
        {
            await socket.SendAsync(request, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            while (received < minimum)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                received += read;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (received == 0)
            {
                return new Answer(buffer, 0, $"no answer within {Seconds(_options.ResponseTimeout)}");
            }
        }
        catch (SocketException exception)
        {
            if (received == 0)
            {
                return new Answer(buffer, 0, exception.SocketErrorCode == SocketError.ConnectionReset ? "connection reset" : exception.Message);
            }
        }

        return received == 0 ? new Answer(buffer, 0, "closed the connection without answering") : new Answer(buffer, received, null);
    }

    private async Task<int?> ReadGoAwayCodeAsync(Socket socket, Answer answer, CancellationToken cancellationToken)
    {
        // GOAWAY payload: last stream id (4 bytes), error code (4 bytes).
        var bytes = await ReadAtLeastAsync(socket, answer, 17, cancellationToken).ConfigureAwait(false);
        return bytes.Length >= 17 ? BinaryPrimitives.ReadInt32BigEndian(bytes.Span[13..17]) : null;
    }

    private async Task<string> ReadToEndAsync(Socket socket, Answer answer, CancellationToken cancellationToken)
    {
        var bytes = await ReadAtLeastAsync(socket, answer, AnswerBufferBytes, cancellationToken).ConfigureAwait(false);
        return Encoding.ASCII.GetString(bytes.Span);
    }

    /// <summary>Continues reading an answer (bounded by the buffer, the end of the stream and the timeout).</summary>
    private async Task<ReadOnlyMemory<byte>> ReadAtLeastAsync(Socket socket, Answer answer, int minimum, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ResponseTimeout);
        var buffer = answer.Buffer;
        var received = answer.Length;
        minimum = Math.Min(minimum, buffer.Length);
        try
        {
            while (received < minimum)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                received += read;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Judge what arrived.
        }
        catch (SocketException)
        {
            // Judge what arrived.
        }

        return buffer.AsMemory(0, received);
    }

    private static async Task TrySendAsync(Socket socket, byte[] bytes)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await socket.SendAsync(bytes, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Politeness only: the verdict is already known.
        }
    }

    private static bool StartsWithHttp1(ReadOnlySpan<byte> bytes) => bytes.StartsWith("HTTP/1."u8) || (bytes.Length < 7 && bytes.Length >= 3 && "HTTP/1."u8.StartsWith(bytes));

    private static bool IsTlsRecord(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] is 0x15 or 0x16 && bytes[1] == 0x03;

    /// <summary>A server's first HTTP/2 frame is SETTINGS on stream 0 (or GOAWAY on stream 0 when it refuses at once).</summary>
    private static bool LooksLikeHttp2Frame(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 9 && bytes[3] is SettingsFrame or GoAwayFrame && ReadStreamId(bytes) == 0 && ReadFrameLength(bytes) <= 16384;

    private static int ReadFrameLength(ReadOnlySpan<byte> bytes) => (bytes[0] << 16) | (bytes[1] << 8) | bytes[2];

    private static int ReadStreamId(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32BigEndian(bytes[5..9]) & 0x7FFFFFFF;

    private static string StatusLine(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.IndexOf("\r\n"u8);
        var line = end >= 0 ? bytes[..end] : bytes[..Math.Min(bytes.Length, 64)];
        return Encoding.ASCII.GetString(line[..Math.Min(line.Length, 120)]);
    }

    private static string Seconds(TimeSpan value) => $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    /// <summary>What the endpoint sent first; <see cref="Failure"/> is set when nothing usable arrived.</summary>
    private readonly record struct Answer(byte[] Buffer, int Length, string? Failure)
    {
        public ReadOnlyMemory<byte> Bytes => Buffer.AsMemory(0, Length);
    }
}
