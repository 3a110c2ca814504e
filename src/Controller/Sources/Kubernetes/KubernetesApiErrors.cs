using System.Net.Http.Headers;
using k8s.Autorest;

namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>Reads what a failed Kubernetes API call says about the API: was it answered at all, and when may it be retried.</summary>
internal static class KubernetesApiErrors
{
    /// <summary>
    /// True when the failure may mean the API as a whole is gone: no HTTP answer (refused, reset, timed out) or a 5xx
    /// (a load balancer without backends, an API server without etcd). A 4xx is an answer: the API is there, and this
    /// one call is wrong (403 RBAC, 410 expired) or throttled (429).
    /// </summary>
    public static bool MayBeUnavailable(Exception exception) => exception switch
    {
        HttpOperationException { Response: { } response } => (int)response.StatusCode >= 500,
        k8s.KubernetesException { Status.Code: { } code } => code >= 500,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500,
        HttpRequestException or IOException or TimeoutException or OperationCanceledException => true,
        _ => exception.InnerException is { } inner && MayBeUnavailable(inner),
    };

    /// <summary>The delay the server asked for with <c>Retry-After</c> (seconds or an HTTP date), or null.</summary>
    public static TimeSpan? RetryAfter(Exception exception, TimeProvider time)
    {
        // Header names are case-insensitive; the client's copy of them need not be.
        var values = exception is HttpOperationException { Response.Headers: { } headers }
            ? headers.FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)).Value
            : null;
        if (!RetryConditionHeaderValue.TryParse(values?.FirstOrDefault(), out var value))
        {
            return null;
        }

        var delay = value.Delta ?? (value.Date - time.GetUtcNow());
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }
}
