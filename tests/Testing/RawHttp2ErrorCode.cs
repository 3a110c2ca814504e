namespace Plexus.Testing;

/// <summary>The HTTP/2 error codes the tests look for (RFC 9113 §7).</summary>
public static class RawHttp2ErrorCode
{
    public const int NoError = 0x0;
    public const int RefusedStream = 0x7;
    public const int Cancel = 0x8;
    public const int EnhanceYourCalm = 0xb;
}
