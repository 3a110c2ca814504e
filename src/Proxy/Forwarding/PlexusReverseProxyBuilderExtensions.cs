using Microsoft.Extensions.DependencyInjection;

namespace Plexus.Proxy.Forwarding;

public static class PlexusReverseProxyBuilderExtensions
{
    /// <summary>Registers what <see cref="YarpConfigBuilder.WithPlexusTransforms"/> needs beyond YARP's own transforms.</summary>
    public static IReverseProxyBuilder AddPlexusTransforms(this IReverseProxyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddTransformFactory<PlexusTransformFactory>();
    }
}
