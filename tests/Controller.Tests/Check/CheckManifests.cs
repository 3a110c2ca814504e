using System.Globalization;
using System.Text;

namespace Plexus.Controller.Tests.Check;

/// <summary>Builds a folder of YAML manifests for <c>plexus check</c>: an IngressClass, and per app a Service, an Ingress, an EndpointSlice and a Pod.</summary>
internal sealed class CheckManifests : IDisposable
{
    private readonly StringBuilder _yaml = new();

    public CheckManifests()
    {
        Directory = Path.Combine(Path.GetTempPath(), "plexus-check-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Document("""
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata:
              name: plexus
            spec:
              controller: plexus.dev/ingress-controller
            """);
    }

    public string Directory { get; }

    /// <summary>
    /// One app: Service <paramref name="name"/> port 80 (named "web") → endpoints 127.0.0.1:<paramref name="endpointPort"/>
    /// (pods name-0 .. name-(n-1) with <paramref name="readinessProbe"/>), routed from host name.test.
    /// </summary>
    /// <param name="annotations">Service annotations as YAML lines "key: value".</param>
    /// <param name="readinessProbe">The readinessProbe mapping (e.g. "grpc: {port: 8080}"); {port} is replaced by the endpoint port.</param>
    public CheckManifests App(
        string name,
        int endpointPort,
        string? appProtocol = null,
        string[]? annotations = null,
        string? readinessProbe = null,
        string ns = "default",
        string[]? addresses = null,
        string? ingressAnnotation = null)
    {
        var port = endpointPort.ToString(CultureInfo.InvariantCulture);
        var annotationBlock = annotations is { Length: > 0 }
            ? "  annotations:\n" + string.Concat(annotations.Select(a => $"    {a}\n"))
            : string.Empty;
        Document($"""
            apiVersion: v1
            kind: Service
            metadata:
              name: {name}
              namespace: {ns}
            {annotationBlock}spec:
              ports:
              - name: web
                port: 80
                targetPort: {port}
            {(appProtocol is null ? string.Empty : $"    appProtocol: {appProtocol}")}
            """);
        Document($"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: {name}
              namespace: {ns}
            {(ingressAnnotation is null ? string.Empty : $"  annotations:\n    {ingressAnnotation}")}
            spec:
              ingressClassName: plexus
              rules:
              - host: {name}.test
                http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: {name}
                        port:
                          number: 80
            """);
        addresses ??= ["127.0.0.1"];
        var endpoints = new StringBuilder();
        for (var i = 0; i < addresses.Length; i++)
        {
            endpoints.Append($"- addresses: [\"{addresses[i]}\"]\n  conditions: {{ready: true}}\n  targetRef: {{kind: Pod, name: {name}-{i}, namespace: {ns}}}\n");
        }

        Document($"""
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: {name}-1
              namespace: {ns}
              labels:
                kubernetes.io/service-name: {name}
            addressType: IPv4
            endpoints:
            {endpoints}ports:
            - name: web
              port: {port}
              protocol: TCP
            """);
        for (var i = 0; i < addresses.Length; i++)
        {
            var probe = readinessProbe is null ? string.Empty : $"    readinessProbe:\n      {readinessProbe.Replace("{port}", port, StringComparison.Ordinal)}\n";
            Document($"""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: {name}-{i}
                  namespace: {ns}
                spec:
                  containers:
                  - name: app
                    image: app
                {probe}
                """);
        }

        return this;
    }

    /// <summary>An Ingress of the class routing host <paramref name="name"/>.test to <paramref name="service"/>:<paramref name="port"/> at <paramref name="path"/>.</summary>
    public CheckManifests Ingress(string name, string service, int port, string path = "/", string pathType = "Prefix", string ns = "default")
    {
        Document($"""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: {name}
              namespace: {ns}
            spec:
              ingressClassName: plexus
              rules:
              - host: {name}.test
                http:
                  paths:
                  - path: "{path}"
                    pathType: {pathType}
                    backend:
                      service:
                        name: {service}
                        port:
                          number: {port.ToString(CultureInfo.InvariantCulture)}
            """);
        return this;
    }

    /// <summary>Writes the manifests (one file) and returns the folder.</summary>
    public string Write()
    {
        File.WriteAllText(Path.Combine(Directory, "all.yaml"), _yaml.ToString());
        return Directory;
    }

    /// <summary>The YAML written so far.</summary>
    public string Yaml => _yaml.ToString();

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Document(string yaml) => _yaml.Append("---\n").Append(yaml.TrimEnd()).Append('\n');
}
