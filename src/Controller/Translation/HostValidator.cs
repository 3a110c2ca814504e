using System.Net;

namespace Plexus.Controller.Translation;

/// <summary>
/// Ingress rule and TLS hosts: an RFC 1123 DNS name (lower-cased first; labels 1-63 characters of a-z, 0-9 and
/// inner '-'; at most 253 characters), optionally with a wildcard that is the whole first label ("*.foo.com").
/// Mirrors the Kubernetes API validation (IsDNS1123Subdomain / IsWildcardDNS1123Subdomain, no IP addresses)
/// and adds the RFC per-label limit.
/// </summary>
public static class HostValidator
{
    private const int MaxLength = 253;
    private const int MaxLabelLength = 63;

    /// <summary>Lower-cases and validates <paramref name="raw"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryNormalize(string raw, out string host, out string? error)
    {
        ArgumentNullException.ThrowIfNull(raw);
        host = raw.ToLowerInvariant();
        error = Check(host);
        return error is null;
    }

    private static string? Check(string host)
    {
        if (host.Length == 0)
        {
            return "must not be empty";
        }

        if (host.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(host, out _) || IsDottedQuad(host))
        {
            return "must be a DNS name, not an IP address";
        }

        var name = host;
        if (host.Contains('*', StringComparison.Ordinal))
        {
            if (!host.StartsWith("*.", StringComparison.Ordinal) || host.IndexOf('*', 1) >= 0)
            {
                return "a wildcard must be the whole first label, as in \"*.example.com\"";
            }

            name = host[2..];
        }

        if (host.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }

        foreach (var label in name.Split('.'))
        {
            var error = CheckLabel(label);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? CheckLabel(string label)
    {
        if (label.Length == 0)
        {
            return "must not contain empty labels (\"..\", or a leading or trailing '.')";
        }

        if (label.Length > MaxLabelLength)
        {
            return $"each label must be at most {MaxLabelLength} characters";
        }

        foreach (var ch in label)
        {
            if (!(ch is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            {
                return $"must consist of letters, digits, '-' and '.' (found '{ch}')";
            }
        }

        if (label[0] == '-' || label[^1] == '-')
        {
            return "labels must start and end with a letter or digit";
        }

        return null;
    }

    private static bool IsDottedQuad(string host)
    {
        var parts = host.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
    }
}
