using Microsoft.AspNetCore.Http;

namespace Plexus.Proxy.Forwarding;

/// <summary>Writes the responses Plexus itself generates: a status, <c>X-Plexus-Error</c> and a short text body.</summary>
internal static class PlexusErrorResponse
{
    public const string HeaderName = "X-Plexus-Error";

    public static Task WriteAsync(HttpContext context, int statusCode, string errorClass, string body)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = statusCode;
        response.Headers[HeaderName] = errorClass;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(body, context.RequestAborted);
    }
}
