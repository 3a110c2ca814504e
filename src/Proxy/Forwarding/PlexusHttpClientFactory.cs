using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Proxy.Hosting;
using Yarp.ReverseProxy.Forwarder;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// YARP's client factory plus Plexus' connection settings and backend certificate verification, read from the cluster
/// metadata so that YARP's reuse decision (same config and metadata → same client, same pool) keeps working.
/// </summary>
public sealed class PlexusHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger, IOptions<PlexusProxyOptions> options)
    : ForwarderHttpClientFactory(logger)
{
    private readonly PlexusProxyOptions _options = options.Value;

    protected override bool CanReuseOldClient(ForwarderHttpClientContext context) =>
        base.CanReuseOldClient(context)
        && TlsMetadataEquals(context.OldMetadata, context.NewMetadata);

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = _options.ConnectTimeout;
        handler.PooledConnectionIdleTimeout = _options.PooledConnectionIdleTimeout;
        handler.EnableMultipleHttp2Connections = true;

        var metadata = context.NewMetadata;
        if (metadata is null || !metadata.TryGetValue(PlexusMetadata.TlsVerify, out var verify) || verify != "true")
        {
            return;
        }

        metadata.TryGetValue(PlexusMetadata.TlsCaBundle, out var caBundle);
        metadata.TryGetValue(PlexusMetadata.TlsServerName, out var serverName);
        var validator = new BackendCertificateValidator(caBundle, serverName);
        handler.SslOptions.RemoteCertificateValidationCallback = validator.Validate;
    }

    private static bool TlsMetadataEquals(IReadOnlyDictionary<string, string>? left, IReadOnlyDictionary<string, string>? right) =>
        Value(left, PlexusMetadata.TlsVerify) == Value(right, PlexusMetadata.TlsVerify)
        && Value(left, PlexusMetadata.TlsCaBundle) == Value(right, PlexusMetadata.TlsCaBundle)
        && Value(left, PlexusMetadata.TlsServerName) == Value(right, PlexusMetadata.TlsServerName);

    private static string? Value(IReadOnlyDictionary<string, string>? metadata, string key) =>
        metadata is not null && metadata.TryGetValue(key, out var value) ? value : null;
}

/// <summary>Verifies a backend certificate against a PEM CA bundle (or the system store) and an expected name.</summary>
internal sealed class BackendCertificateValidator
{
    private readonly X509Certificate2Collection? _roots;
    private readonly string? _serverName;

    public BackendCertificateValidator(string? caBundlePem, string? serverName)
    {
        if (!string.IsNullOrWhiteSpace(caBundlePem))
        {
            _roots = [];
            _roots.ImportFromPem(caBundlePem);
        }

        _serverName = string.IsNullOrWhiteSpace(serverName) ? null : serverName;
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        var chainTrusted = _roots is null
            ? !errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)
            : ChainsToCustomRoots(leaf, chain);
        if (!chainTrusted)
        {
            return false;
        }

        // Without an explicit name the handshake's own check applies (the SNI name, i.e. the forwarded Host).
        return _serverName is null
            ? !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            : leaf.MatchesHostname(_serverName);
    }

    private bool ChainsToCustomRoots(X509Certificate2 leaf, X509Chain? presented)
    {
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the server sent along.
            foreach (var element in presented.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }
}
