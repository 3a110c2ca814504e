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
    private const long Http11Required = 0xd;

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
        UpstreamFailure? found = null;
        for (var current = exception; current is not null; current = current.InnerException)
        {
            var failure = ClassifyOne(current, http2);
            if (failure is { Class: UpstreamFailureClass.ProtocolMismatch })
            {
                // A mismatch wins over whatever else the chain says: it is the actionable cause.
                return failure.Value;
            }

            found ??= failure;
        }

        return found ?? new(UpstreamFailureClass.UpstreamError, Describe(error, exception));
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
            messages.Add($"{current.GetType().Name}: {current.Message}");
        }

        var text = string.Join(" <- ", messages);
        return text.Length <= 400 ? text : text[..400];
    }

    private static UpstreamFailure? ClassifyOne(Exception exception, bool http2)
    {
        switch (exception)
        {
            case HttpProtocolException { ErrorCode: Http11Required }:
                return new(UpstreamFailureClass.ProtocolMismatch, "the backend requires HTTP/1.1 (HTTP/2 error HTTP_1_1_REQUIRED)");
            case HttpProtocolException when http2:
            case HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse } when http2:
                return new(UpstreamFailureClass.ProtocolMismatch, "the backend did not answer the HTTP/2 connection preface as an HTTP/2 server");
            case HttpRequestException { HttpRequestError: HttpRequestError.VersionNegotiationError }:
                return new(UpstreamFailureClass.ProtocolMismatch, "the backend did not negotiate HTTP/2 (ALPN did not select h2)");
            case CryptographicException when IsNoApplicationProtocolAlert(exception):
                return new(UpstreamFailureClass.ProtocolMismatch, "the backend refused every protocol offered in ALPN (TLS alert no_application_protocol)");
            case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }:
            case AuthenticationException:
                return new(UpstreamFailureClass.Tls, "the TLS handshake with the backend failed");
            case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                return new(UpstreamFailureClass.ConnectRefused, "the backend refused the connection");
            case SocketException { SocketErrorCode: SocketError.TimedOut }:
            case TimeoutException:
                return new(UpstreamFailureClass.Timeout, "connecting to the backend timed out");
            case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown }:
            case HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }:
            case HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded }:
                return new(UpstreamFailureClass.Reset, "the backend closed the connection before answering");
            default:
                return null;
        }
    }

    /// <summary>
    /// TLS alert 120: the server shares none of the ALPN protocols offered (an h2 cluster, a server without h2). OpenSSL
    /// reports it as error 0x0A000460 "tlsv1 alert no application protocol"; no public type carries it.
    /// </summary>
    private static bool IsNoApplicationProtocolAlert(Exception exception) =>
        exception.HResult == 0x0A000460
        || exception.Message.Contains("no application protocol", StringComparison.OrdinalIgnoreCase);
}
