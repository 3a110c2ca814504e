using System.Globalization;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>YAML manifests as a user writes them for the manifest-folder mode, aimed at <see cref="TestBackend"/>s.</summary>
internal static class ManifestYaml
{
    public const string IngressClass = """
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: plexus
        spec:
          controller: plexus.dev/ingress-controller
        """;

    /// <summary>A Service (port "web" 80, declared <paramref name="protocol"/>) and its EndpointSlice pointing at the backend.</summary>
    public static string Backend(string service, TestBackend backend, string protocol = "http") => Backend(service, backend.Host, backend.Port, protocol);

    /// <summary>A Service (port "web" 80, declared <paramref name="protocol"/>) and its EndpointSlice pointing at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static string Backend(string service, string host, int port, string protocol = "http") => string.Create(CultureInfo.InvariantCulture, $"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {service}
          annotations:
            plexus.dev/backend-protocol: {protocol}
        spec:
          ports:
          - name: web
            port: 80
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: {service}-1
          labels:
            kubernetes.io/service-name: {service}
        addressType: IPv4
        endpoints:
        - addresses: ["{host}"]
          conditions:
            ready: true
        ports:
        - name: web
          port: {port}
          protocol: TCP
        """);

    /// <summary>An Ingress of class plexus on any host with Prefix paths to Services' port 80.</summary>
    public static string Ingress(string name, params (string Path, string Service)[] paths)
    {
        var rules = string.Concat(paths.Select(p => string.Create(CultureInfo.InvariantCulture, $"""

                  - path: {p.Path}
                    pathType: Prefix
                    backend:
                      service:
                        name: {p.Service}
                        port:
                          number: 80
            """)));
        return $"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: {name}
            spec:
              ingressClassName: plexus
              rules:
              - http:
                  paths:{rules}
            """;
    }
}
