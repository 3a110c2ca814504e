namespace Plexus.Testing;

/// <summary>What a <see cref="TestBackend"/> listens with.</summary>
public enum TestBackendKind
{
    /// <summary>Cleartext, HTTP/1.1 only.</summary>
    Http1,

    /// <summary>Cleartext, HTTP/2 only: h2c with prior knowledge.</summary>
    H2c,

    /// <summary>Cleartext Http1AndHttp2: in practice HTTP/1.1 only (Kestrel does not sniff the h2c preface).</summary>
    Http1AndHttp2Cleartext,

    /// <summary>TLS, ALPN h2 only.</summary>
    TlsH2,

    /// <summary>TLS, ALPN h2 and http/1.1.</summary>
    TlsHttp1AndHttp2,

    /// <summary>TLS, ALPN http/1.1 only.</summary>
    TlsHttp1,
}

public static class TestBackendKindExtensions
{
    public static bool UsesTls(this TestBackendKind kind) =>
        kind is TestBackendKind.TlsH2 or TestBackendKind.TlsHttp1AndHttp2 or TestBackendKind.TlsHttp1;
}
