using Plexus.Controller.Sources.Manifests;

namespace Plexus.Controller.Tests.Sources.Manifests;

/// <summary>What the parser reports about manifest files besides their objects, in words a person can act on.</summary>
public sealed class ManifestProblemTests
{
    private const string IngressWithTypo = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: shop
        spec:
          ingressClassName: plexus
          rules:
          - host: web.test
            http:
              paths:
              - path: /
                pathtype: Prefix
                backend: {service: {name: web, port: {number: 80}}}
          tsl: []
        """;

    [Fact]
    public void Unknown_fields_are_reported_with_their_path_line_and_the_field_meant()
    {
        // The comment is document 1 (line 1); document 2 starts at its "---" on line 2, so its line n is file line n + 2.
        var parsed = ManifestParser.Parse("# leading comment\n---\n" + IngressWithTypo);

        Assert.Single(parsed.Objects);
        Assert.Equal(
            [
                (ManifestProblemKind.UnknownField, 15, "Ingress shop/web (document 2, line 15): unknown field 'spec.rules[0].http.paths[0].pathtype' (did you mean 'pathType'?) is ignored"),
                (ManifestProblemKind.UnknownField, 17, "Ingress shop/web (document 2, line 17): unknown field 'spec.tsl' is ignored"),
            ],
            parsed.Problems.Select(p => (p.Kind, p.Line, p.Message)));
    }

    [Fact]
    public void Free_form_maps_and_every_known_field_are_not_reported()
    {
        var parsed = ManifestParser.Parse("""
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              labels: {anything: goes}
              annotations: {plexus.dev/backend-protocol: h2c}
            spec:
              selector: {app: web}
              ports: [{name: grpc, port: 80, targetPort: grpc, appProtocol: kubernetes.io/h2c}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: tls}
            type: kubernetes.io/tls
            stringData: {tls.crt: x, tls.key: y}
            """);

        Assert.Equal(2, parsed.Objects.Count);
        Assert.Empty(parsed.Problems);
    }

    [Theory]
    [InlineData("apps/v1", "Deployment", ManifestProblemKind.IgnoredKind, "reads only Ingress, IngressClass, Service, EndpointSlice, Secret and Pod")]
    [InlineData("networking.k8s.io/v1beta1", "Ingress", ManifestProblemKind.UnreadKind, "change apiVersion to networking.k8s.io/v1")]
    [InlineData("v1", "service", ManifestProblemKind.UnreadKind, "did you mean 'Service'?")]
    public void Skipped_documents_say_why(string apiVersion, string kind, ManifestProblemKind expectedKind, string expected)
    {
        var parsed = ManifestParser.Parse($"apiVersion: v1\nkind: Service\nmetadata: {{name: a}}\n---\napiVersion: {apiVersion}\nkind: {kind}\nmetadata: {{name: b}}\n");

        var problem = Assert.Single(parsed.Problems);
        Assert.Equal(expectedKind, problem.Kind);
        Assert.Equal(4, problem.Line);
        Assert.Contains($"{apiVersion} {kind} b (document 2, line 4)", problem.Message, StringComparison.Ordinal);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: 5\n", "line 3: expected a mapping (key: value), found a single value")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports: 5\n", "line 6: expected a list, found a single value")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  labels: [1,2]\n", "line 5: expected a mapping (key: value), found a list (column 11)")]
    [InlineData("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a}\nspec:\n  rules: {host: x}\n", "line 5: expected a list, found a mapping (key: value)")]
    [InlineData("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  a: [1]\n", "found a list where a single value was expected")]
    [InlineData("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 99999999999}]}\n", "the number is out of range")]
    public void Rejected_files_say_what_is_wrong_in_YAML_terms(string content, string expected)
    {
        var exception = Assert.Throws<ManifestParseException>(() => ManifestParser.Parse(content));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("k8s.", exception.Message, StringComparison.Ordinal);
        Assert.NotNull(exception.Line);
    }
}
