using Yarp.ReverseProxy.Transforms;

namespace Plexus.Proxy.Forwarding;

/// <summary>YARP request transform that applies <see cref="HopByHopRequestHeaders"/>.</summary>
internal sealed class HopByHopRequestHeadersTransform : RequestTransform
{
    public static HopByHopRequestHeadersTransform Instance { get; } = new();

    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        HopByHopRequestHeaders.RemoveFrom(context.HttpContext.Request.Headers, context.ProxyRequest);
        return ValueTask.CompletedTask;
    }
}
