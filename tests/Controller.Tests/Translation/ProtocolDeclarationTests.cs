using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Translation;

public class ProtocolDeclarationTests
{
    private const string Nginx = ProtocolAnnotations.IngressNginx;
    private const string Traefik = ProtocolAnnotations.Traefik;
    private const string Plexus = ProtocolAnnotations.Plexus;

    /// <summary>A Service "svc" with ports grpc (9000) and metrics (9100), one ready endpoint each, and one Ingress routing to both.</summary>
    private static TranslationResult Build(
        Action<ServiceBuilder>? service = null,
        string? grpcAppProtocol = null,
        Action<IngressBuilder>? ingress = null,
        Action<StateBuilder>? more = null)
    {
        var svc = K8s.Service("ns", "svc").Port(9000, "grpc", grpcAppProtocol).Port(9100, "metrics");
        service?.Invoke(svc);
        var ing = K8s.Ingress("ns", "ing").Rule("app.test").Path("/", "Prefix", "svc", "grpc").Path("/metrics", "Exact", "svc", 9100);
        ingress?.Invoke(ing);
        var state = new StateBuilder().Add(svc).Add(ing)
            .Add(K8s.Slice("ns", "svc-a", "svc").Port(9000, "grpc").Port(9100, "metrics").Endpoint("127.0.0.1"));
        more?.Invoke(state);
        return Run.Full(state);
    }

    private static ProtocolDeclaration Grpc(TranslationResult result) => result.Protocols["ns/svc:9000"];

    public static TheoryData<string, Action<ServiceBuilder>?, string?, Action<IngressBuilder>?, BackendProtocol, ProtocolSource> Sources => new()
    {
        { "nothing declared", null, null, null, BackendProtocol.Http, ProtocolSource.Default },
        { "plexus single value", s => s.Annotation(Plexus, "h2c"), null, null, BackendProtocol.H2c, ProtocolSource.PlexusAnnotation },
        { "plexus alias grpc", s => s.Annotation(Plexus, "grpc"), null, null, BackendProtocol.H2c, ProtocolSource.PlexusAnnotation },
        { "plexus alias grpcs", s => s.Annotation(Plexus, " GRPCS "), null, null, BackendProtocol.H2, ProtocolSource.PlexusAnnotation },
        { "plexus auto", s => s.Annotation(Plexus, "auto"), null, null, BackendProtocol.Auto, ProtocolSource.PlexusAnnotation },
        { "plexus list by name", s => s.Annotation(Plexus, "grpc=h2c,metrics=http"), null, null, BackendProtocol.H2c, ProtocolSource.PlexusAnnotation },
        { "plexus list by number", s => s.Annotation(Plexus, "metrics=http, 9000 = h2"), null, null, BackendProtocol.H2, ProtocolSource.PlexusAnnotation },
        { "plexus list not naming the port", s => s.Annotation(Plexus, "metrics=h2c"), null, null, BackendProtocol.Http, ProtocolSource.Default },
        { "appProtocol kubernetes.io/h2c", null, "kubernetes.io/h2c", null, BackendProtocol.H2c, ProtocolSource.AppProtocol },
        { "appProtocol http", null, "http", null, BackendProtocol.Http, ProtocolSource.AppProtocol },
        { "appProtocol https", null, "https", null, BackendProtocol.Https, ProtocolSource.AppProtocol },
        { "appProtocol kubernetes.io/ws", null, "kubernetes.io/ws", null, BackendProtocol.Http, ProtocolSource.AppProtocol },
        { "appProtocol kubernetes.io/wss", null, "kubernetes.io/wss", null, BackendProtocol.Https, ProtocolSource.AppProtocol },
        { "appProtocol http2", null, "http2", null, BackendProtocol.H2c, ProtocolSource.AppProtocol },
        { "appProtocol grpc", null, "grpc", null, BackendProtocol.H2c, ProtocolSource.AppProtocol },
        { "nginx HTTP", null, null, i => i.Annotation(Nginx, "HTTP"), BackendProtocol.Http, ProtocolSource.IngressNginxAnnotation },
        { "nginx HTTPS", null, null, i => i.Annotation(Nginx, "HTTPS"), BackendProtocol.Https, ProtocolSource.IngressNginxAnnotation },
        { "nginx GRPC", null, null, i => i.Annotation(Nginx, "GRPC"), BackendProtocol.H2c, ProtocolSource.IngressNginxAnnotation },
        { "nginx grpcs lower case", null, null, i => i.Annotation(Nginx, "grpcs"), BackendProtocol.H2, ProtocolSource.IngressNginxAnnotation },
        { "traefik http", s => s.Annotation(Traefik, "http"), null, null, BackendProtocol.Http, ProtocolSource.TraefikAnnotation },
        { "traefik https", s => s.Annotation(Traefik, "https"), null, null, BackendProtocol.Https, ProtocolSource.TraefikAnnotation },
        { "traefik h2c", s => s.Annotation(Traefik, "h2c"), null, null, BackendProtocol.H2c, ProtocolSource.TraefikAnnotation },
        { "contour h2c by name", s => s.Annotation(ProtocolAnnotations.ContourH2c, "grpc"), null, null, BackendProtocol.H2c, ProtocolSource.ContourAnnotation },
        { "contour h2 by number", s => s.Annotation(ProtocolAnnotations.ContourH2, "9100, 9000"), null, null, BackendProtocol.H2, ProtocolSource.ContourAnnotation },
        { "contour tls", s => s.Annotation(ProtocolAnnotations.ContourTls, "grpc"), null, null, BackendProtocol.Https, ProtocolSource.ContourAnnotation },
        { "contour for another port", s => s.Annotation(ProtocolAnnotations.ContourH2c, "metrics"), null, null, BackendProtocol.Http, ProtocolSource.Default },
        { "plexus beats appProtocol (agreeing)", s => s.Annotation(Plexus, "h2c"), "kubernetes.io/h2c", null, BackendProtocol.H2c, ProtocolSource.PlexusAnnotation },
        { "appProtocol beats nginx", null, "kubernetes.io/h2c", i => i.Annotation(Nginx, "GRPC"), BackendProtocol.H2c, ProtocolSource.AppProtocol },
        { "nginx beats traefik", s => s.Annotation(Traefik, "h2c"), null, i => i.Annotation(Nginx, "GRPC"), BackendProtocol.H2c, ProtocolSource.IngressNginxAnnotation },
        { "traefik beats contour", s => s.Annotation(Traefik, "h2c").Annotation(ProtocolAnnotations.ContourH2c, "grpc"), null, null, BackendProtocol.H2c, ProtocolSource.TraefikAnnotation },
        { "invalid plexus falls through to appProtocol", s => s.Annotation(Plexus, "http3"), "kubernetes.io/h2c", null, BackendProtocol.H2c, ProtocolSource.AppProtocol },
        { "invalid appProtocol falls through to nginx", null, "h2c", i => i.Annotation(Nginx, "GRPC"), BackendProtocol.H2c, ProtocolSource.IngressNginxAnnotation },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Reads_every_declaration_source_in_precedence_order(
        string name,
        Action<ServiceBuilder>? service,
        string? appProtocol,
        Action<IngressBuilder>? ingress,
        BackendProtocol expected,
        ProtocolSource source)
    {
        var result = Build(service, appProtocol, ingress);

        var declaration = Grpc(result);
        Assert.True(expected == declaration.Protocol, $"{name}: {declaration}");
        Assert.Equal(source, declaration.Source);
        Assert.Equal(expected, result.Snapshot.Cluster("ns/svc:9000").Protocol);
        Assert.DoesNotContain(result.Snapshot.Diagnostics, d => d.Reason == DiagnosticReasons.BackendProtocolConflict);
    }

    [Fact]
    public void List_syntax_gives_each_port_its_own_protocol()
    {
        var result = Build(s => s.Annotation(Plexus, "grpc=h2c,9100=https"));

        Assert.Equal(BackendProtocol.H2c, result.Snapshot.Cluster("ns/svc:9000").Protocol);
        Assert.Equal(BackendProtocol.Https, result.Snapshot.Cluster("ns/svc:9100").Protocol);
        Assert.Equal("h2c from Service annotation plexus.dev/backend-protocol entry \"grpc=h2c\"", Grpc(result).ToString());
        Assert.Empty(result.Snapshot.Diagnostics);
    }

    public static TheoryData<string, Action<ServiceBuilder>?, string?, Action<IngressBuilder>?, string[]> Conflicts => new()
    {
        { "plexus vs appProtocol", s => s.Annotation(Plexus, "h2c"), "http", null, ["plexus.dev/backend-protocol=\"h2c\"", "appProtocol \"http\" says http"] },
        { "appProtocol vs nginx", null, "kubernetes.io/h2c", i => i.Annotation(Nginx, "HTTPS"), ["appProtocol \"kubernetes.io/h2c\"", "Ingress ns/ing annotation nginx.ingress.kubernetes.io/backend-protocol=\"HTTPS\" says https"] },
        { "nginx vs traefik", s => s.Annotation(Traefik, "http"), null, i => i.Annotation(Nginx, "GRPC"), ["nginx.ingress.kubernetes.io/backend-protocol=\"GRPC\"", "serversscheme=\"http\" says http"] },
        { "traefik vs contour", s => s.Annotation(Traefik, "https").Annotation(ProtocolAnnotations.ContourH2c, "grpc"), null, null, ["serversscheme=\"https\" declares https", "upstream-protocol.h2c=\"grpc\" says h2c"] },
        { "contour vs contour", s => s.Annotation(ProtocolAnnotations.ContourH2c, "grpc").Annotation(ProtocolAnnotations.ContourTls, "9000"), null, null, ["upstream-protocol.h2c", "upstream-protocol.tls=\"9000\" says https"] },
        { "three sources", s => s.Annotation(Plexus, "h2").Annotation(Traefik, "http"), "kubernetes.io/h2c", null, ["declares h2", "appProtocol \"kubernetes.io/h2c\" says h2c", "serversscheme=\"http\" says http"] },
        { "list names the port twice", s => s.Annotation(Plexus, "grpc=h2c,9000=http"), null, null, ["lists it twice", "entry \"9000=http\" is ignored"] },
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void Disagreeing_sources_give_one_conflict_naming_them_and_the_first_wins(
        string name,
        Action<ServiceBuilder>? service,
        string? appProtocol,
        Action<IngressBuilder>? ingress,
        string[] mentioned)
    {
        var result = Build(service, appProtocol, ingress);

        var conflict = Assert.Single(
            result.Snapshot.Diagnostics,
            d => d.Reason == DiagnosticReasons.BackendProtocolConflict && d.Message.StartsWith("Port grpc (9000)", StringComparison.Ordinal));
        Assert.Equal("Service/ns/svc", conflict.Subject.ToString());
        foreach (var text in mentioned)
        {
            Assert.True(conflict.Message.Contains(text, StringComparison.Ordinal), $"{name}: \"{text}\" not in: {conflict.Message}");
        }
    }

    [Fact]
    public void Two_ingresses_disagreeing_on_nginx_protocol_keep_the_older_one()
    {
        var result = Build(
            ingress: i => i.Annotation(Nginx, "GRPC").Created(1),
            more: s => s.Add(K8s.Ingress("ns", "newer").Created(2).Annotation(Nginx, "HTTP").Rule("other.test").Path("/", "Prefix", "svc", 9000)));

        Assert.Equal(BackendProtocol.H2c, Grpc(result).Protocol);
        var conflict = result.Snapshot.Only(DiagnosticReasons.BackendProtocolConflict);
        Assert.Equal("Ingress/ns/newer", conflict.Subject.ToString());
        Assert.Contains("ns/ing", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("grpc (9000)", conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingresses_agreeing_on_nginx_protocol_give_no_diagnostic()
    {
        var result = Build(
            ingress: i => i.Annotation(Nginx, "GRPC"),
            more: s => s.Add(K8s.Ingress("ns", "newer").Created(2).Annotation(Nginx, "grpc").Rule("other.test").Path("/", "Prefix", "svc", 9000)));

        Assert.Empty(result.Snapshot.Diagnostics);
    }

    public static TheoryData<string, Action<ServiceBuilder>?, string?, Action<IngressBuilder>?, string, string> Invalid => new()
    {
        { "plexus single value", s => s.Annotation(Plexus, "http3"), null, null, "Service/ns/svc", "\"http3\" is not a protocol" },
        { "plexus list entry value", s => s.Annotation(Plexus, "grpc=quic"), null, null, "Service/ns/svc", "\"quic\" for port \"grpc\"" },
        { "plexus list entry without key", s => s.Annotation(Plexus, "grpc=h2c,h2"), null, null, "Service/ns/svc", "entry \"h2\" must have the form" },
        { "plexus list unknown port", s => s.Annotation(Plexus, "admin=h2c"), null, null, "Service/ns/svc", "names port \"admin\", which the Service does not have" },
        { "appProtocol h2c without prefix", null, "h2c", null, "Service/ns/svc", "write appProtocol: kubernetes.io/h2c" },
        { "appProtocol unknown", null, "example.com/quic", null, "Service/ns/svc", "Plexus understands kubernetes.io/h2c" },
        { "nginx unsupported", null, null, i => i.Annotation(Nginx, "FCGI"), "Ingress/ns/ing", "\"FCGI\" is not supported" },
        { "traefik unknown", s => s.Annotation(Traefik, "h2"), null, null, "Service/ns/svc", "not one of http, https, h2c" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_values_are_diagnostics_and_never_a_silent_default(
        string name,
        Action<ServiceBuilder>? service,
        string? appProtocol,
        Action<IngressBuilder>? ingress,
        string subject,
        string text)
    {
        var result = Build(service, appProtocol, ingress);

        var diagnostic = result.Snapshot.Only(DiagnosticReasons.InvalidBackendProtocol);
        Assert.Equal(subject, diagnostic.Subject.ToString());
        Assert.True(diagnostic.Message.Contains(text, StringComparison.Ordinal), $"{name}: {diagnostic.Message}");
        Assert.Single(result.Snapshot.Routes, r => r.Path == "/");
    }

    [Fact]
    public void Invalid_declaration_does_not_affect_other_services()
    {
        var result = Build(
            s => s.Annotation(Plexus, "bogus"),
            more: s => s
                .Add(K8s.Service("ns", "good").Port(80, "h", "kubernetes.io/h2c"))
                .Add(K8s.Slice("ns", "good-a", "good").Port(8080, "h").Endpoint("127.0.0.5"))
                .Add(K8s.Ingress("ns", "good").Rule("good.test").Path("/", "Prefix", "good", 80)));

        Assert.Equal(BackendProtocol.H2c, result.Snapshot.Cluster("ns/good:80").Protocol);
        Assert.Single(result.Snapshot.Cluster("ns/good:80").Endpoints);
        Assert.All(result.Snapshot.Diagnostics, d => Assert.Equal("Service/ns/svc", d.Subject.ToString()));
    }

    [Fact]
    public void Nginx_annotation_of_an_ingress_not_routing_to_the_port_is_not_read()
    {
        var result = Build(more: s => s
            .Add(K8s.Service("ns", "other").Port(80))
            .Add(K8s.Ingress("ns", "other").Annotation(Nginx, "GRPC").Rule("other.test").Path("/", "Prefix", "other", 80)));

        Assert.Equal(ProtocolSource.Default, Grpc(result).Source);
        Assert.Equal(ProtocolSource.IngressNginxAnnotation, result.Protocols["ns/other:80"].Source);
    }
}
