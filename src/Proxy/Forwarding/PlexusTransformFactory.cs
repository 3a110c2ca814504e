using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Plexus.Proxy.Forwarding;

/// <summary>
/// Builds the Plexus-specific transforms a route's configuration names (see <see cref="YarpConfigBuilder.WithPlexusTransforms"/>).
/// Registered by <see cref="PlexusReverseProxyBuilderExtensions.AddPlexusTransforms"/>.
/// </summary>
internal sealed class PlexusTransformFactory : ITransformFactory
{
    /// <summary>Route transform key: remove Connection-nominated headers and X-Content-Length (value "on").</summary>
    public const string HopByHopKey = "PlexusHopByHop";

    public bool Validate(TransformRouteValidationContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transformValues);
        if (!transformValues.TryGetValue(HopByHopKey, out var value))
        {
            return false;
        }

        if (transformValues.Count != 1 || value != "on")
        {
            context.Errors.Add(new ArgumentException($"The {HopByHopKey} transform takes exactly one key with the value 'on'."));
        }

        return true;
    }

    public bool Build(TransformBuilderContext context, IReadOnlyDictionary<string, string> transformValues)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(transformValues);
        if (!transformValues.ContainsKey(HopByHopKey))
        {
            return false;
        }

        context.RequestTransforms.Add(HopByHopRequestHeadersTransform.Instance);
        return true;
    }
}
