using k8s.Models;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plexus.Controller.Store;

namespace Plexus.Controller.Tests.Store;

/// <summary>Small builders for the objects store tests need.</summary>
internal static class TestObjects
{
    /// <summary>A store with a 30 ms quiet window and a 250 ms max delay: the figures the coalescing tests are written in.</summary>
    public static ResourceStore NewStore(TimeProvider? time = null, IReadOnlyCollection<ResourceKind>? expected = null) =>
        new(
            Options.Create(new ResourceStoreOptions
            {
                ExpectedKinds = expected,
                QuietWindow = TimeSpan.FromMilliseconds(30),
                MaxDelay = TimeSpan.FromMilliseconds(250),
            }),
            time ?? new FakeTimeProvider());

    public static V1Service Service(string name, string rv = "1", string ns = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = rv },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "http", Port = 80 }] },
    };

    public static V1Ingress Ingress(string name, string rv = "1", string ns = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = rv },
        Spec = new V1IngressSpec { IngressClassName = "plexus" },
    };

    public static V1IngressClass IngressClass(string name, string rv = "1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, ResourceVersion = rv },
        Spec = new V1IngressClassSpec { Controller = "plexus.dev/ingress-controller" },
    };

    public static V1Secret Secret(string name, string type, string rv = "1", string ns = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = rv },
        Type = type,
        Data = new Dictionary<string, byte[]> { ["tls.crt"] = [1], ["tls.key"] = [2] },
    };

    public static V1EndpointSlice Slice(string name, string? service, string rv = "1", string ns = "default", params string[] pods) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            ResourceVersion = rv,
            Labels = service is null ? null : new Dictionary<string, string> { [ResourceStore.ServiceNameLabel] = service },
        },
        AddressType = "IPv4",
        Endpoints = pods.Select((pod, i) => new V1Endpoint
        {
            Addresses = [$"10.0.0.{i + 1}"],
            Conditions = new V1EndpointConditions { Ready = true },
            TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod, NamespaceProperty = ns },
        }).ToList(),
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 8080 }],
    };

    public static V1Pod Pod(string name, string rv = "1", string ns = "default", V1Probe? readiness = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, ResourceVersion = rv },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "app",
                    Image = "example/app",
                    Ports = [new V1ContainerPort { Name = "web", ContainerPort = 8080 }, new V1ContainerPort { Name = "grpc", ContainerPort = 9090 }],
                    ReadinessProbe = readiness,
                },
            ],
        },
        Status = new V1PodStatus { Phase = "Running", PodIP = "10.0.0.1" },
    };

    public static ObjectKey Key(string name, string ns = "default") => new(ns, name);
}
