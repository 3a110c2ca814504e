namespace Plexus.Proxy.Forwarding;

/// <summary>Keys of the metadata Plexus puts on the YARP clusters that carry its HTTP clients.</summary>
internal static class PlexusMetadata
{
    public const string Protocol = "plexus.protocol";
    public const string TlsVerify = "plexus.tls.verify";
    public const string TlsCaBundle = "plexus.tls.ca";
    public const string TlsServerName = "plexus.tls.servername";
}
