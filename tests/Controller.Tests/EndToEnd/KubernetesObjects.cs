using k8s.Models;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>The objects a user would apply to a cluster for Plexus, aimed at <see cref="TestBackend"/>s on 127.0.0.1.</summary>
internal static class KubernetesObjects
{
    public const string Namespace = "default";

    public static V1IngressClass PlexusClass() => new()
    {
        Metadata = new V1ObjectMeta { Name = "plexus" },
        Spec = new V1IngressClassSpec { Controller = "plexus.dev/ingress-controller" },
    };

    /// <summary>A Service without selector (its EndpointSlice is written by hand), one port "web" 80, with a declared backend protocol.</summary>
    public static V1Service Service(string name, string protocol = "http") => new()
    {
        Metadata = new V1ObjectMeta
        {
            NamespaceProperty = Namespace,
            Name = name,
            Annotations = new Dictionary<string, string> { ["plexus.dev/backend-protocol"] = protocol },
        },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "web", Port = 80 }] },
    };

    /// <summary>
    /// The EndpointSlice of <paramref name="service"/>: one ready endpoint per backend. All backends are on 127.0.0.1,
    /// so each needs its own slice (a slice has one port list); <paramref name="slice"/> names it.
    /// </summary>
    public static V1EndpointSlice Slice(string service, string slice, TestBackend backend) => new()
    {
        Metadata = new V1ObjectMeta
        {
            NamespaceProperty = Namespace,
            Name = slice,
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service },
        },
        AddressType = "IPv4",
        Endpoints = [new V1Endpoint { Addresses = [backend.Host], Conditions = new V1EndpointConditions { Ready = true } }],
        Ports = [new Discoveryv1EndpointPort { Name = "web", Port = backend.Port, Protocol = "TCP" }],
    };

    /// <summary>An Ingress of class plexus, any host, Prefix paths each to a Service's port 80.</summary>
    public static V1Ingress Ingress(string name, params (string Path, string Service)[] paths) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = Namespace, Name = name },
        Spec = new V1IngressSpec
        {
            IngressClassName = "plexus",
            Rules =
            [
                new V1IngressRule
                {
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths = [.. paths.Select(p => new V1HTTPIngressPath
                        {
                            Path = p.Path,
                            PathType = "Prefix",
                            Backend = new V1IngressBackend
                            {
                                Service = new V1IngressServiceBackend { Name = p.Service, Port = new V1ServiceBackendPort { Number = 80 } },
                            },
                        })],
                    },
                },
            ],
        },
    };
}
