namespace Plexus.Proxy.Model;

/// <summary>One backend address (a pod IP, or a DNS name for ExternalName Services) and port.</summary>
/// <param name="Host">IP address or DNS name.</param>
/// <param name="Port">TCP port.</param>
/// <param name="Verdict">The protocol verdict for this endpoint under the cluster's declared protocol.</param>
/// <param name="TargetRef">What stands behind the address (e.g. "pod/ns/name"), for diagnostics; optional.</param>
public sealed record BackendEndpoint(string Host, int Port, ProtocolVerdict Verdict, string? TargetRef = null)
{
    public BackendEndpoint(string host, int port)
        : this(host, port, ProtocolVerdict.Unproven)
    {
    }

    /// <summary>"host:port", with IPv6 addresses in brackets.</summary>
    public string Authority => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
