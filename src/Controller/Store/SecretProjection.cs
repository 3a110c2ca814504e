using k8s.Models;

namespace Plexus.Controller.Store;

/// <summary>
/// Reduces a Secret to what an ingress controller may use, as soon as it reaches the store: its metadata, its type
/// and the <c>tls.crt</c>/<c>tls.key</c> entries. Every other entry (passwords, tokens, Helm releases) is dropped, so
/// a Secret that is not a certificate is kept only as "exists, of this type", which is what lets a diagnostic say
/// what is wrong with it instead of calling it missing.
/// </summary>
public static class SecretProjection
{
    public const string CertificateKey = "tls.crt";
    public const string PrivateKeyKey = "tls.key";

    public static V1Secret Project(V1Secret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Dictionary<string, byte[]>? data = null;
        foreach (var name in (ReadOnlySpan<string>)[CertificateKey, PrivateKeyKey])
        {
            var value = ReadEntry(secret, name);
            if (value is not null)
            {
                (data ??= new Dictionary<string, byte[]>(2, StringComparer.Ordinal))[name] = value;
            }
        }

        return new V1Secret
        {
            ApiVersion = secret.ApiVersion,
            Kind = secret.Kind,
            Metadata = secret.Metadata,
            Type = secret.Type,
            Data = data,
        };
    }

    /// <summary>An entry of the Secret, from data or else stringData (manifest files may use stringData, which the API server would have merged into data); null when absent or empty.</summary>
    public static byte[]? ReadEntry(V1Secret secret, string name)
    {
        if (secret.Data is not null && secret.Data.TryGetValue(name, out var bytes) && bytes is { Length: > 0 })
        {
            return bytes;
        }

        return secret.StringData is not null && secret.StringData.TryGetValue(name, out var text) && !string.IsNullOrEmpty(text)
            ? System.Text.Encoding.UTF8.GetBytes(text)
            : null;
    }
}
