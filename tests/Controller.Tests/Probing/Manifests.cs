using System.Text;

namespace Plexus.Controller.Tests.Probing;

/// <summary>Manifests for the end-to-end tests: Services without selectors whose EndpointSlices point at loopback backends.</summary>
internal static class Manifests
{
    // The same IngressClass; the newline lets the documents below follow it.
    public const string IngressClass = EndToEnd.ManifestYaml.IngressClass + "\n";

    /// <summary>A Service (port 80, name http) declared <paramref name="protocol"/>, with one slice per (name, loopback port).</summary>
    public static string Service(string name, string protocol, params (string Slice, int Port)[] endpoints)
    {
        var text = new StringBuilder($"""
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: {name}
              namespace: default
              annotations:
                plexus.dev/backend-protocol: {protocol}
            spec:
              ports:
              - name: http
                port: 80

            """);
        foreach (var (slice, port) in endpoints)
        {
            text.Append($"""
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: {slice}
                  namespace: default
                  labels:
                    kubernetes.io/service-name: {name}
                addressType: IPv4
                endpoints:
                - addresses: ["127.0.0.1"]
                  conditions: {"{"}ready: true{"}"}
                ports:
                - name: http
                  port: {port}
                  protocol: TCP

                """);
        }

        return text.ToString();
    }

    public static string Ingress(string name, string host, string service) => $"""
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: {name}
          namespace: default
        spec:
          ingressClassName: plexus
          rules:
          - host: {host}
            http:
              paths:
              - path: /
                pathType: Prefix
                backend:
                  service: {"{"}name: {service}, port: {"{"}number: 80{"}"}{"}"}

        """;
}
