using k8s.Models;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

/// <summary>Small valid objects for the tests.</summary>
internal static class Objects
{
    public static V1Service Service(string ns, string name, int port = 80) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "http", Port = port }] },
    };

    public static V1Ingress Ingress(string ns, string name) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Spec = new V1IngressSpec { IngressClassName = "plexus" },
    };

    public static V1IngressClass IngressClass(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1IngressClassSpec { Controller = "plexus.dev/ingress-controller" },
    };

    public static V1EndpointSlice EndpointSlice(string ns, string name) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = name } },
        AddressType = "IPv4",
        Endpoints = [new V1Endpoint { Addresses = ["127.0.0.1"], Conditions = new V1EndpointConditions { Ready = true } }],
    };

    public static V1Secret TlsSecret(string ns, string name) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Type = "kubernetes.io/tls",
        Data = new Dictionary<string, byte[]> { ["tls.crt"] = [1, 2, 3], ["tls.key"] = [4, 5, 6] },
    };

    public static V1Secret OpaqueSecret(string ns, string name) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Type = "Opaque",
        Data = new Dictionary<string, byte[]> { ["password"] = [7] },
    };

    public static V1Secret Secret(string ns, string name, string type) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Type = type,
        Data = new Dictionary<string, byte[]> { ["data"] = [8] },
    };

    public static V1Pod Pod(string ns, string name) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "app" }] },
    };
}
