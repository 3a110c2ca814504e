using Microsoft.AspNetCore.Http;

namespace Plexus.Proxy.Telemetry;

/// <summary>Bounded label values for request metrics: known methods and status classes, by index.</summary>
internal static class RequestLabels
{
    public static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "OTHER"];

    public static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    /// <summary>Index into <see cref="Methods"/>; any method outside the standard set is "OTHER" (clients choose methods freely).</summary>
    public static int MethodIndex(string method)
    {
        // Kestrel hands out the interned constants for known methods, so these compare by reference first.
        if (HttpMethods.IsGet(method))
        {
            return 0;
        }

        if (HttpMethods.IsHead(method))
        {
            return 1;
        }

        if (HttpMethods.IsPost(method))
        {
            return 2;
        }

        if (HttpMethods.IsPut(method))
        {
            return 3;
        }

        if (HttpMethods.IsDelete(method))
        {
            return 4;
        }

        if (HttpMethods.IsPatch(method))
        {
            return 5;
        }

        if (HttpMethods.IsOptions(method))
        {
            return 6;
        }

        if (HttpMethods.IsConnect(method))
        {
            return 7;
        }

        return HttpMethods.IsTrace(method) ? 8 : 9;
    }

    /// <summary>Index into <see cref="StatusClasses"/>; out-of-range codes count as 5xx.</summary>
    public static int StatusClassIndex(int statusCode) => statusCode is >= 100 and < 600 ? (statusCode / 100) - 1 : 4;
}
