using k8s;
using k8s.Models;
using Plexus.Controller.Sources.Manifests;

namespace Plexus.Controller.Tests.Sources.Manifests;

public class ManifestParserTests
{
    private const string Mixed = """
        # leading comment
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations:
            plexus.dev/backend-protocol: h2c
        spec:
          ports:
          - name: http
            port: 80
            targetPort: web
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: web-1
          namespace: shop
          labels:
            kubernetes.io/service-name: web
        addressType: IPv4
        endpoints:
        - addresses: ["127.0.0.1"]
          conditions: {ready: true}
        ports:
        - name: http
          port: 19002
        ---
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: plexus
          namespace: ignored
        spec:
          controller: plexus.dev/ingress-controller
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
        spec:
          ingressClassName: plexus
          rules:
          - http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {name: web, port: {number: 80}}
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: cert
        type: kubernetes.io/tls
        stringData:
          tls.crt: CERT
          tls.key: KEY
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-0
        spec:
          containers:
          - name: app
            image: app
            readinessProbe:
              grpc: {port: 9090}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w
        ---
        ---
        # only a comment
        """;

    [Fact]
    public void Multi_document_files_yield_the_supported_objects()
    {
        var parsed = ManifestParser.Parse(Mixed);

        Assert.Equal(
            ["Service", "EndpointSlice", "IngressClass", "Ingress", "Secret", "Pod"],
            parsed.Objects.Select(o => o.GetType().Name[2..]));
        Assert.Equal(2, parsed.Ignored.Count);
        Assert.Contains("apps/v1 Deployment web", parsed.Ignored[0], StringComparison.Ordinal);
        Assert.Contains("example.com/v1 Widget w", parsed.Ignored[1], StringComparison.Ordinal);

        var service = (V1Service)parsed.Objects[0];
        Assert.Equal("default", service.Namespace());
        Assert.Equal("h2c", service.Metadata.Annotations["plexus.dev/backend-protocol"]);
        Assert.Equal("web", service.Spec.Ports[0].TargetPort.Value);
        Assert.Equal("shop", parsed.Objects[1].Namespace());
        Assert.Null(parsed.Objects[2].Namespace());
        var secret = (V1Secret)parsed.Objects[4];
        Assert.Equal("CERT"u8.ToArray(), secret.Data["tls.crt"]);
        Assert.Null(secret.StringData);
        Assert.Equal(9090, ((V1Pod)parsed.Objects[5]).Spec.Containers[0].ReadinessProbe.Grpc.Port);
    }

    [Fact]
    public void Resource_versions_follow_the_content()
    {
        var first = ManifestParser.Parse(Mixed).Objects;
        var again = ManifestParser.Parse(Mixed).Objects;
        var edited = ManifestParser.Parse(Mixed.Replace("port: 19002", "port: 19009", StringComparison.Ordinal)).Objects;

        Assert.All(first, o => Assert.StartsWith("manifest-", o.ResourceVersion(), StringComparison.Ordinal));
        Assert.Equal(first.Select(o => o.ResourceVersion()), again.Select(o => o.ResourceVersion()));
        Assert.NotEqual(first[1].ResourceVersion(), edited[1].ResourceVersion());
        Assert.Equal(first[0].ResourceVersion(), edited[0].ResourceVersion());
    }

    [Fact]
    public void A_copied_resource_version_cannot_hide_an_edit()
    {
        const string Template = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  resourceVersion: \"42\"\nspec:\n  ports: [{port: PORT}]\n";
        var a = ManifestParser.Parse(Template.Replace("PORT", "80", StringComparison.Ordinal)).Objects[0];
        var b = ManifestParser.Parse(Template.Replace("PORT", "81", StringComparison.Ordinal)).Objects[0];

        Assert.NotEqual(a.ResourceVersion(), b.ResourceVersion());
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n", "document 1 (starting at line 1): line 5")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n   bad: indent\n", "document 2 (starting at line 5)")]
    [InlineData("kind: Service\nmetadata:\n  name: a\n", "apiVersion and kind are required")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  namespace: x\n", "without metadata.name")]
    [InlineData("- just\n- a list\n", "document 1")]
    public void Broken_documents_fail_with_a_message_saying_where(string yaml, string expected)
    {
        var ex = Assert.Throws<ManifestParseException>(() => ManifestParser.Parse(yaml));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: 5\n")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports: 5\n")]
    [InlineData("apiVersion: 1\nkind: 2\n")]
    [InlineData("apiVersion: [v1]\nkind: Service\n")]
    [InlineData("just a scalar\n")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  a: [1]\n")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: abc}]}\n")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 99999999999}]}\n")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: [1,2]\n")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: a, creationTimestamp: notadate}\n")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, resources: {limits: {cpu: lots}}}]}\n")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n<<: 5\n")]
    [InlineData("a: &x [*x]\n")]
    public void Malformed_values_are_parse_errors_not_crashes(string yaml)
    {
        var ex = Assert.Throws<ManifestParseException>(() => ManifestParser.Parse(yaml));
        Assert.StartsWith("document 1 (starting at line 1): ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing here\n")]
    [InlineData("---\n---\n")]
    public void Empty_files_have_no_objects(string yaml)
    {
        var parsed = ManifestParser.Parse(yaml);
        Assert.Empty(parsed.Objects);
        Assert.Empty(parsed.Ignored);
    }

    private const string Rich = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: shop
          namespace: web
          labels: {app: shop, "tier": front}
          annotations:
            plexus.dev/backend-protocol: "h2c"
            nginx.ingress.kubernetes.io/proxy-body-size: 8m
            description: |
              two
              lines
        spec:
          ingressClassName: plexus
          defaultBackend:
            service: {name: fallback, port: {name: http}}
          tls:
          - hosts: [shop.example.com, "*.shop.example.com"]
            secretName: shop-tls
          rules:
          - host: shop.example.com
            http:
              paths:
              - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}
              - path: /static
                pathType: ImplementationSpecific
                backend:
                  resource: {apiGroup: example.com, kind: Bucket, name: static}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: web, annotations: {plexus.dev/backend-protocol: "grpc=h2c,web=http"}}
        spec:
          type: ClusterIP
          selector: {app: api}
          ports:
          - {name: grpc, port: 50051, targetPort: 50051, appProtocol: kubernetes.io/h2c, protocol: TCP}
          - {name: web, port: 80, targetPort: web}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: api-x1
          namespace: web
          labels: {kubernetes.io/service-name: api}
        addressType: IPv4
        endpoints:
        - addresses: [10.0.0.1]
          conditions: {ready: true, serving: true, terminating: false}
          targetRef: {kind: Pod, name: api-0, namespace: web}
        - addresses: [10.0.0.2]
          conditions: {ready: false}
        ports:
        - {name: grpc, port: 50051, protocol: TCP, appProtocol: kubernetes.io/h2c}
        ---
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata: {name: plexus, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
        spec: {controller: plexus.dev/ingress-controller}

        """;

    [Fact]
    public void Documents_read_through_json_equal_what_yamldotnet_reads()
    {
        var parsed = ManifestParser.Parse(Rich).Objects;
        var direct = Rich.Split("---\n").Select(d => KubernetesYaml.LoadAllFromString(d).Single()).Cast<k8s.IKubernetesObject<V1ObjectMeta>>().ToList();

        Assert.Equal(direct.Count, parsed.Count);
        foreach (var (mine, theirs) in parsed.Zip(direct))
        {
            mine.Metadata.ResourceVersion = null;
            Assert.Equal(KubernetesJson.Serialize(theirs), KubernetesJson.Serialize(mine));
        }
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: {version: 1.0, enabled: true}\n", "version=1.0,enabled=true")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: {version: \"2\"}\nspec: {ports: [{port: \"80\"}]}\n", "version=2")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: &l {x: y}\n  annotations: *l\n", "x=y")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: {x: !!str 1}\n", "x=1")]
    public void Values_yaml_reads_leniently_are_still_read(string yaml, string labels)
    {
        var service = (V1Service)Assert.Single(ManifestParser.Parse(yaml).Objects);

        Assert.Equal(labels, string.Join(',', service.Metadata.Labels.Select(l => $"{l.Key}={l.Value}")));
        Assert.StartsWith("manifest-", service.Metadata.ResourceVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_and_layout_do_not_change_the_version()
    {
        var plain = ManifestParser.Parse("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n").Objects[0];
        var commented = ManifestParser.Parse("# the api\napiVersion: v1\nkind: Service\nmetadata:\n  name: a   # its name\nspec:\n  ports:\n  - port: 80\n").Objects[0];

        Assert.Equal(plain.Metadata.ResourceVersion, commented.Metadata.ResourceVersion);
    }

    [Theory]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, labels: {any-key: x}}\nspec: {rules: [{http: {paths: [{path: /, pathType: Prefix}]}}]}\n")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec: {rules: [{http: {paths: [{path: /, pathtype: Prefix}]}}]}\n")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec: {tsl: []}\n")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, annotations: {x: y}}\nstatus: {loadBalancer: {ingress: [{ip: 127.0.0.1}]}}\n")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, nmespace: b}\n")]
    public void The_json_pre_check_for_unknown_fields_agrees_with_the_yaml_walk(string yaml)
    {
        var json = Assert.IsType<byte[]>(YamlToJson.Convert(yaml)?.Json);

        Assert.Equal(UnknownFieldFinder.Find(yaml, typeof(V1Ingress)).Count > 0, UnknownFieldFinder.HasUnknownFields(json, typeof(V1Ingress)));
    }
}
