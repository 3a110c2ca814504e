using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// Removes from an outgoing request what belongs to the client's connection only and that YARP's own hop-by-hop list
/// does not cover: the fields the client named in its <c>Connection</c> header (RFC 9110 §7.6.1) and Kestrel's
/// <c>X-Content-Length</c>.
/// </summary>
/// <remarks>
/// Call it on the copied headers before Plexus adds its own (Host, X-Forwarded-*), so a client cannot nominate those
/// away. Kestrel adds <c>X-Content-Length</c> (the original value) when it drops Content-Length from a request that
/// also carried Transfer-Encoding; the backend must see one framing only, the one the proxy chose.
/// </remarks>
public static class HopByHopRequestHeaders
{
    /// <summary>The header Kestrel moves Content-Length to when a request also carries Transfer-Encoding.</summary>
    public const string KestrelContentLength = "X-Content-Length";

    /// <summary>Removes the headers <paramref name="incoming"/>'s Connection field names, and X-Content-Length, from <paramref name="outgoing"/>.</summary>
    public static void RemoveFrom(IHeaderDictionary incoming, HttpRequestMessage outgoing)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(outgoing);
        Remove(outgoing, KestrelContentLength);

        var connection = incoming.Connection;
        foreach (var value in connection)
        {
            if (value is not null)
            {
                RemoveNominated(outgoing, value);
            }
        }
    }

    private static void RemoveNominated(HttpRequestMessage outgoing, string value)
    {
        var span = value.AsSpan();
        foreach (var range in span.Split(','))
        {
            var token = span[range].Trim(" \t");
            // "keep-alive", "close" and "upgrade" are the usual tokens: the first two name no field that reaches this
            // point, and YARP restores Upgrade itself for the upgrades it forwards (after the transforms ran).
            if (token.IsEmpty || IsFramingOrRouting(token) || token.Equals("close", StringComparison.OrdinalIgnoreCase) ||
                token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) || token.Equals("upgrade", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            Remove(outgoing, token.ToString());
        }
    }

    // The proxy frames the outgoing message and addresses it itself; these never leave because a client named them.
    private static bool IsFramingOrRouting(ReadOnlySpan<char> token) =>
        token.Equals(HeaderNames.Host, StringComparison.OrdinalIgnoreCase) ||
        token.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase) ||
        token.Equals(HeaderNames.TransferEncoding, StringComparison.OrdinalIgnoreCase);

    private static void Remove(HttpRequestMessage outgoing, string name)
    {
        // Names that are not valid header tokens cannot be present; HttpHeaders.Remove would throw on them.
        if (!IsToken(name))
        {
            return;
        }

        outgoing.Headers.Remove(name);
        outgoing.Content?.Headers.Remove(name);
    }

    private static bool IsToken(string name)
    {
        foreach (var c in name)
        {
            if (c <= ' ' || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return name.Length > 0;
    }
}
