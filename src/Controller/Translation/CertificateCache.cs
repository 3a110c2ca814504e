using System.Security.Cryptography;

namespace Plexus.Controller.Translation;

/// <summary>
/// Memoises <see cref="CertificateParser.Parse"/>, a pure function of the PEM bytes, so that a build does not
/// re-parse every certificate. Keyed by a SHA-256 of the certificate and key bytes (not by resourceVersion,
/// which manifest files do not have), so a hit is always the same answer parsing would give: the translator
/// stays pure with or without it. Entries not used during the last two builds are dropped
/// (<see cref="BeginBuild"/>). Evicted certificates are not disposed, since snapshots still being served may
/// hold them; the GC reclaims them. Thread-safe.
/// </summary>
public sealed class CertificateCache
{
    private readonly Lock _gate = new();
    private Dictionary<string, ParsedCertificate> _current = new(StringComparer.Ordinal);
    private Dictionary<string, ParsedCertificate> _previous = new(StringComparer.Ordinal);

    /// <summary>Number of cached parse results.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _current.Count + _previous.Count;
            }
        }
    }

    /// <summary>Number of parses actually performed (cache misses), for tests and metrics.</summary>
    public long Misses { get; private set; }

    /// <summary>Starts a generation: what the build before the previous one used and this one does not is dropped.</summary>
    public void BeginBuild()
    {
        lock (_gate)
        {
            _previous = _current;
            _current = new Dictionary<string, ParsedCertificate>(StringComparer.Ordinal);
        }
    }

    public ParsedCertificate GetOrParse(byte[] certificatePem, byte[] keyPem)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        ArgumentNullException.ThrowIfNull(keyPem);
        var key = KeyOf(certificatePem, keyPem);
        lock (_gate)
        {
            if (_current.TryGetValue(key, out var hit))
            {
                return hit;
            }

            if (_previous.TryGetValue(key, out hit))
            {
                _current[key] = hit;
                return hit;
            }
        }

        var parsed = CertificateParser.Parse(certificatePem, keyPem);
        lock (_gate)
        {
            Misses++;
            _current[key] = parsed;
        }

        return parsed;
    }

    private static string KeyOf(byte[] certificatePem, byte[] keyPem)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[sizeof(int)];
        BitConverter.TryWriteBytes(length, certificatePem.Length);
        hash.AppendData(length);
        hash.AppendData(certificatePem);
        hash.AppendData(keyPem);
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
