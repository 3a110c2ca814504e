using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>Where a backend protocol declaration was read, in precedence order (first match wins).</summary>
public enum ProtocolSource
{
    /// <summary>Service annotation <c>plexus.dev/backend-protocol</c>.</summary>
    PlexusAnnotation,

    /// <summary>The Service port's <c>appProtocol</c>.</summary>
    AppProtocol,

    /// <summary>ingress-nginx <c>nginx.ingress.kubernetes.io/backend-protocol</c> on an Ingress referencing the port.</summary>
    IngressNginxAnnotation,

    /// <summary>Traefik <c>traefik.ingress.kubernetes.io/service.serversscheme</c> on the Service.</summary>
    TraefikAnnotation,

    /// <summary>Contour <c>projectcontour.io/upstream-protocol.{h2,h2c,tls}</c> on the Service.</summary>
    ContourAnnotation,

    /// <summary>Nothing declared: HTTP/1.1.</summary>
    Default,
}

/// <summary>The protocol chosen for one Service port and where it came from (what <c>plexus check</c> prints).</summary>
/// <param name="Protocol">The declared protocol.</param>
/// <param name="Source">Which kind of declaration won.</param>
/// <param name="Detail">The declaration as written, e.g. <c>Service annotation plexus.dev/backend-protocol="grpc=h2c"</c>.</param>
public sealed record ProtocolDeclaration(BackendProtocol Protocol, ProtocolSource Source, string Detail)
{
    public static ProtocolDeclaration Default { get; } = new(BackendProtocol.Http, ProtocolSource.Default, "default (nothing declared)");

    public override string ToString() => $"{Protocol.ToWireName()} from {Detail}";
}
