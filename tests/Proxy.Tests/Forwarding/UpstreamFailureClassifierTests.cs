using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Plexus.Proxy.Forwarding;
using Plexus.Proxy.Model;
using Yarp.ReverseProxy.Forwarder;

namespace Plexus.Proxy.Tests.Forwarding;

public sealed class UpstreamFailureClassifierTests
{
    public static TheoryData<string, ForwarderError, Exception?, BackendProtocol, UpstreamFailureClass> Cases() => new()
    {
        {
            "HTTP_1_1_REQUIRED from Kestrel",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.HttpProtocolError, "h2", new HttpProtocolException(0xd, "HTTP_1_1_REQUIRED", null)),
            BackendProtocol.H2c,
            UpstreamFailureClass.ProtocolMismatch
        },
        {
            "HTTP/2 protocol error on an h2c cluster (raw HTTP/1.1 answer to the preface)",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.HttpProtocolError, "x", new HttpProtocolException(0x1, "PROTOCOL_ERROR", null)),
            BackendProtocol.H2c,
            UpstreamFailureClass.ProtocolMismatch
        },
        {
            "invalid response on an h2c cluster",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.InvalidResponse, "invalid"),
            BackendProtocol.H2c,
            UpstreamFailureClass.ProtocolMismatch
        },
        {
            "HTTP/2 handshake cut short by a close (HTTP/1.1-only server)",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.InvalidResponse, "handshake", new HttpIOException(HttpRequestError.ResponseEnded, "ended")),
            BackendProtocol.H2c,
            UpstreamFailureClass.ProtocolMismatch
        },
        {
            "new HTTP/2 connection shut down before its first request (GOAWAY processed first)",
            ForwarderError.Request,
            new HttpRequestException("An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake."),
            BackendProtocol.H2c,
            UpstreamFailureClass.ProtocolMismatch
        },
        {
            "bare request exception on an HTTP/1.1 cluster",
            ForwarderError.Request,
            new HttpRequestException("?"),
            BackendProtocol.Http,
            UpstreamFailureClass.UpstreamError
        },
        {
            "HTTP/2 handshake cut short by a reset",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.InvalidResponse, "handshake", new IOException("io", new SocketException((int)SocketError.ConnectionReset))),
            BackendProtocol.H2c,
            UpstreamFailureClass.Reset
        },
        {
            "HTTP/2 INTERNAL_ERROR from a real HTTP/2 server is not a mismatch",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.HttpProtocolError, "x", new HttpProtocolException(0x2, "INTERNAL_ERROR", null)),
            BackendProtocol.H2,
            UpstreamFailureClass.UpstreamError
        },
        {
            "PROTOCOL_ERROR on an HTTP/1.1 cluster cannot be about h2",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.HttpProtocolError, "x", new HttpProtocolException(0x1, "PROTOCOL_ERROR", null)),
            BackendProtocol.Http,
            UpstreamFailureClass.UpstreamError
        },
        {
            "invalid response on an HTTP/1.1 cluster is not a mismatch",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.InvalidResponse, "invalid"),
            BackendProtocol.Http,
            UpstreamFailureClass.UpstreamError
        },
        {
            "ALPN did not select h2",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.VersionNegotiationError, "unable to establish HTTP/2 connection"),
            BackendProtocol.H2,
            UpstreamFailureClass.ProtocolMismatch
        },
        {
            "TLS alert no_application_protocol wins over the TLS failure around it",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.SecureConnectionError, "ssl", new AuthenticationException("auth", new CryptographicException("error:0A000460:SSL routines::tlsv1 alert no application protocol"))),
            BackendProtocol.H2,
            UpstreamFailureClass.ProtocolMismatch
        },
        {
            "certificate rejected",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.SecureConnectionError, "ssl", new AuthenticationException("remote certificate is invalid")),
            BackendProtocol.Https,
            UpstreamFailureClass.Tls
        },
        {
            "bare authentication exception",
            ForwarderError.Request,
            new AuthenticationException("handshake"),
            BackendProtocol.H2,
            UpstreamFailureClass.Tls
        },
        {
            "connection refused",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)),
            BackendProtocol.Http,
            UpstreamFailureClass.ConnectRefused
        },
        {
            "connect timeout",
            ForwarderError.Request,
            new TaskCanceledException("connect", new TimeoutException()),
            BackendProtocol.Http,
            UpstreamFailureClass.Timeout
        },
        {
            "activity timeout",
            ForwarderError.RequestTimedOut,
            new OperationCanceledException(),
            BackendProtocol.H2c,
            UpstreamFailureClass.Timeout
        },
        {
            "connection reset",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.Unknown, "x", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))),
            BackendProtocol.Http,
            UpstreamFailureClass.Reset
        },
        {
            "response ended prematurely",
            ForwarderError.Request,
            new HttpRequestException(HttpRequestError.ResponseEnded, "ended"),
            BackendProtocol.Http,
            UpstreamFailureClass.Reset
        },
        {
            "response body ended",
            ForwarderError.ResponseBodyDestination,
            new HttpIOException(HttpRequestError.ResponseEnded, "ended"),
            BackendProtocol.Http,
            UpstreamFailureClass.Reset
        },
        {
            "no destinations",
            ForwarderError.NoAvailableDestinations,
            null,
            BackendProtocol.Http,
            UpstreamFailureClass.NoEndpoints
        },
        {
            "something else",
            ForwarderError.Request,
            new InvalidOperationException("?"),
            BackendProtocol.Http,
            UpstreamFailureClass.UpstreamError
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classifies(string because, ForwarderError error, Exception? exception, BackendProtocol protocol, UpstreamFailureClass expected)
    {
        var failure = UpstreamFailureClassifier.Classify(error, exception, protocol);
        Assert.True(expected == failure.Class, $"{because}: expected {expected}, got {failure.Class}");
    }

    [Theory]
    [InlineData(UpstreamFailureClass.ProtocolMismatch, "protocol-mismatch", 502)]
    [InlineData(UpstreamFailureClass.ConnectRefused, "connect-refused", 502)]
    [InlineData(UpstreamFailureClass.Tls, "tls", 502)]
    [InlineData(UpstreamFailureClass.Timeout, "timeout", 504)]
    [InlineData(UpstreamFailureClass.Reset, "reset", 502)]
    [InlineData(UpstreamFailureClass.NoEndpoints, "no-endpoints", 503)]
    [InlineData(UpstreamFailureClass.UpstreamError, "upstream-error", 502)]
    public void Names_and_status_codes(UpstreamFailureClass failureClass, string name, int status)
    {
        var failure = new UpstreamFailure(failureClass, "detail");
        Assert.Equal(name, failure.Name);
        Assert.Equal(status, failure.StatusCode);
    }

    [Theory]
    [InlineData(ForwarderError.Request, true)]
    [InlineData(ForwarderError.RequestTimedOut, true)]
    [InlineData(ForwarderError.ResponseHeaders, true)]
    [InlineData(ForwarderError.NoAvailableDestinations, true)]
    [InlineData(ForwarderError.RequestCanceled, false)]
    [InlineData(ForwarderError.RequestBodyClient, false)]
    [InlineData(ForwarderError.ResponseBodyClient, false)]
    public void Only_backend_side_errors_are_upstream_failures(ForwarderError error, bool upstream) =>
        Assert.Equal(upstream, UpstreamFailureClassifier.IsUpstreamFailure(error));
}
