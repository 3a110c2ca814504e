using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Plexus.Proxy.Model;
using Yarp.ReverseProxy.Forwarder;

namespace Plexus.Proxy.Forwarding;

/// <summary>Why a request could not be forwarded, as reported in <c>X-Plexus-Error</c>.</summary>
public enum UpstreamFailureClass
{
    /// <summary>Something else went wrong talking to the backend.</summary>
    UpstreamError,

    /// <summary>The backend does not speak the protocol the cluster declares (e.g. h2c to an HTTP/1.1-only server).</summary>
    ProtocolMismatch,

    /// <summary>Nobody listens on the endpoint port.</summary>
    ConnectRefused,

    /// <summary>The TLS handshake with the backend failed (certificate, protocol version, cipher).</summary>
    Tls,

    /// <summary>Connecting or waiting for the backend took too long.</summary>
    Timeout,

    /// <summary>The backend closed or reset the connection before answering.</summary>
    Reset,

    /// <summary>The cluster has no endpoint to send to.</summary>
    NoEndpoints,
}

/// <summary>A classified forwarding failure.</summary>
public readonly record struct UpstreamFailure(UpstreamFailureClass Class, string Detail)
{
    /// <summary>The wire name of <see cref="Class"/>, e.g. "protocol-mismatch".</summary>
    public string Name => UpstreamFailureClassifier.Name(Class);

    /// <summary>504 for timeouts, 503 when there is no endpoint, 502 otherwise.</summary>
    public int StatusCode => Class switch
    {
        UpstreamFailureClass.Timeout => 504,
        UpstreamFailureClass.NoEndpoints => 503,
        _ => 502,
    };
}

/// <summary>Turns YARP's forwarding error and the exception behind it into an <see cref="UpstreamFailure"/>.</summary>
public static class UpstreamFailureClassifier
{
    /// <summary>HTTP/2 error code HTTP_1_1_REQUIRED (RFC 9113 §7): what Kestrel answers h2c with on an HTTP/1-only endpoint.</summary>
    private const long Http11RequiredCode = 0xd;

    public static string Name(UpstreamFailureClass failureClass) => failureClass switch
    {
        UpstreamFailureClass.ProtocolMismatch => "protocol-mismatch",
        UpstreamFailureClass.ConnectRefused => "connect-refused",
        UpstreamFailureClass.Tls => "tls",
        UpstreamFailureClass.Timeout => "timeout",
        UpstreamFailureClass.Reset => "reset",
        UpstreamFailureClass.NoEndpoints => "no-endpoints",
        _ => "upstream-error",
    };

    /// <summary>
    /// True when the error is the backend's doing (or the lack of one), as opposed to the client going away or sending a
    /// broken request, which YARP already answers appropriately.
    /// </summary>
    public static bool IsUpstreamFailure(ForwarderError error) => error is ForwarderError.Request
        or ForwarderError.RequestTimedOut
        or ForwarderError.RequestBodyDestination
        or ForwarderError.ResponseHeaders
        or ForwarderError.NoAvailableDestinations
        or ForwarderError.UpgradeRequestDestination
        or ForwarderError.UpgradeResponseDestination
        or ForwarderError.UpgradeActivityTimeout;

    /// <summary>Classifies a failure to forward with the given wire protocol.</summary>
    public static UpstreamFailure Classify(ForwarderError error, Exception? exception, BackendProtocol protocol)
    {
        if (error == ForwarderError.NoAvailableDestinations)
        {
            return new(UpstreamFailureClass.NoEndpoints, "the cluster has no ready endpoint");
        }

        if (error is ForwarderError.RequestTimedOut or ForwarderError.UpgradeActivityTimeout)
        {
            return new(UpstreamFailureClass.Timeout, "the backend did not answer in time");
        }

        var http2 = protocol is BackendProtocol.H2c or BackendProtocol.H2;
        var seen = Signals.Of(exception);

        // Definite protocol answers first: they are the actionable cause whatever else the chain says.
        if (seen.Http11Required)
        {
            return new(UpstreamFailureClass.ProtocolMismatch, "the backend requires HTTP/1.1 (HTTP/2 error HTTP_1_1_REQUIRED)");
        }

        if (seen.VersionNegotiation)
        {
            return new(UpstreamFailureClass.ProtocolMismatch, "the backend did not negotiate HTTP/2 (ALPN did not select h2)");
        }

        if (seen.NoApplicationProtocol)
        {
            return new(UpstreamFailureClass.ProtocolMismatch, "the backend refused every protocol offered in ALPN (TLS alert no_application_protocol)");
        }

        if (http2 && seen.Http2FramingError)
        {
            return new(UpstreamFailureClass.ProtocolMismatch, "the backend did not answer with HTTP/2 frames (it likely speaks HTTP/1.1)");
        }

        if (seen.ConnectionRefused)
        {
            return new(UpstreamFailureClass.ConnectRefused, "the backend refused the connection");
        }

        if (seen.Tls)
        {
            return new(UpstreamFailureClass.Tls, "the TLS handshake with the backend failed");
        }

        if (seen.Timeout)
        {
            return new(UpstreamFailureClass.Timeout, "connecting to the backend timed out");
        }

        if (seen.ConnectionReset)
        {
            return new(UpstreamFailureClass.Reset, "the backend reset the connection");
        }

        if (http2 && seen.NewHttp2ConnectionUnusable)
        {
            // SocketsHttpHandler's only report when a fresh connection shut down (GOAWAY, e.g. HTTP_1_1_REQUIRED processed
            // before the request got its stream) without serving one request: a bare exception, no error code, no cause.
            return new(UpstreamFailureClass.ProtocolMismatch, "the backend shut the new HTTP/2 connection down before serving a request");
        }

        if (http2 && seen.InvalidResponse)
        {
            // Closed (not reset) before its SETTINGS frame: what an HTTP/1.1-only server does with the h2c preface.
            return new(UpstreamFailureClass.ProtocolMismatch, "the backend closed the connection without completing the HTTP/2 handshake");
        }

        if (seen.ResponseEnded)
        {
            return new(UpstreamFailureClass.Reset, "the backend closed the connection before answering");
        }

        return new(UpstreamFailureClass.UpstreamError, Describe(error, exception));
    }

    /// <summary>The messages of the exception chain, for failures no class explains; bounded, without stack traces.</summary>
    private static string Describe(ForwarderError error, Exception? exception)
    {
        if (exception is null)
        {
            return error.ToString();
        }

        var messages = new List<string>();
        for (var current = exception; current is not null && messages.Count < 4; current = current.InnerException)
        {
            messages.Add(current is HttpRequestException { HttpRequestError: var code } ? $"{current.GetType().Name} ({code}): {current.Message}" : $"{current.GetType().Name}: {current.Message}");
        }

        var text = string.Join(" <- ", messages);
        return text.Length <= 400 ? text : text[..400];
    }

    /// <summary>
    /// TLS alert 120: the server shares none of the ALPN protocols offered (an h2 cluster, a server without h2). OpenSSL
    /// reports it as error 0x0A000460 "tlsv1 alert no application protocol"; no public type carries it.
    /// </summary>
    private static bool IsNoApplicationProtocolAlert(CryptographicException exception) =>
        exception.HResult == 0x0A000460
        || exception.Message.Contains("no application protocol", StringComparison.OrdinalIgnoreCase);

    /// <summary>What the exception chain says, gathered in one walk.</summary>
    private readonly record struct Signals(
        bool Http11Required,
        bool VersionNegotiation,
        bool NoApplicationProtocol,
        bool Http2FramingError,
        bool ConnectionRefused,
        bool Tls,
        bool Timeout,
        bool ConnectionReset,
        bool InvalidResponse,
        bool ResponseEnded,
        bool NewHttp2ConnectionUnusable)
    {
        /// <summary>HTTP/2 PROTOCOL_ERROR and FRAME_SIZE_ERROR: what the client reports when the bytes were not HTTP/2 frames.</summary>
        private const long ProtocolError = 0x1;
        private const long FrameSizeError = 0x6;

        public static Signals Of(Exception? exception)
        {
            var signals = default(Signals);
            for (var current = exception; current is not null; current = current.InnerException)
            {
                signals = current switch
                {
                    HttpProtocolException { ErrorCode: Http11RequiredCode } => signals with { Http11Required = true },
                    HttpProtocolException { ErrorCode: ProtocolError or FrameSizeError } => signals with { Http2FramingError = true },
                    HttpRequestException { HttpRequestError: HttpRequestError.VersionNegotiationError } => signals with { VersionNegotiation = true },
                    HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => signals with { Tls = true },
                    HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse } => signals with { InvalidResponse = true },
                    HttpRequestException { HttpRequestError: HttpRequestError.Unknown, InnerException: null } =>
                        signals with { NewHttp2ConnectionUnusable = true },
                    HttpIOException { HttpRequestError: HttpRequestError.InvalidResponse } => signals with { InvalidResponse = true },
                    HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => signals with { ResponseEnded = true },
                    HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } => signals with { ResponseEnded = true },
                    CryptographicException crypto when IsNoApplicationProtocolAlert(crypto) => signals with { NoApplicationProtocol = true },
                    AuthenticationException => signals with { Tls = true },
                    SocketException { SocketErrorCode: SocketError.ConnectionRefused } => signals with { ConnectionRefused = true },
                    SocketException { SocketErrorCode: SocketError.TimedOut } => signals with { Timeout = true },
                    TimeoutException => signals with { Timeout = true },
                    SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown } =>
                        signals with { ConnectionReset = true },
                    _ => signals,
                };
            }

            return signals;
        }
    }
}
