namespace Plexus.Controller.Translation;

/// <summary>Annotation keys the protocol declaration resolver reads.</summary>
public static class ProtocolAnnotations
{
    public const string Plexus = "plexus.dev/backend-protocol";
    public const string IngressNginx = "nginx.ingress.kubernetes.io/backend-protocol";
    public const string Traefik = "traefik.ingress.kubernetes.io/service.serversscheme";
    public const string ContourH2 = "projectcontour.io/upstream-protocol.h2";
    public const string ContourH2c = "projectcontour.io/upstream-protocol.h2c";
    public const string ContourTls = "projectcontour.io/upstream-protocol.tls";
}
