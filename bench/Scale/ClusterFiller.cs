using k8s.Models;
using Plexus.Controller.Tests.FakeApi;

namespace Plexus.Bench.Scale;

/// <summary>
/// Fills the fake API with a large cluster: our IngressClass, and per Service one Ingress (one host, path /), the
/// Service (port 80 "http") and one EndpointSlice of ready endpoints on 127.1.x.y port 9, where nothing listens (the
/// prober gets a quick refusal, and no request is ever sent there).
/// </summary>
internal static class ClusterFiller
{
    public const int DeadPort = 9;

    public static string Namespace(int service) => "bench-" + (service % 10).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string ServiceName(int service) => "svc-" + service.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Host(int service) => $"s{service}.bench.test";

    public static void Fill(FakeKubernetesApi api, int services, int endpointsPerService)
    {
        api.Create(IngressClass());
        for (var i = 0; i < services; i++)
        {
            api.Create(Service(i));
            api.Create(DeadSlice(i, endpointsPerService));
            api.Create(Ingress(i));
        }
    }

    public static V1IngressClass IngressClass() => new()
    {
        Metadata = new V1ObjectMeta { Name = "plexus" },
        Spec = new V1IngressClassSpec { Controller = "plexus.dev/ingress-controller" },
    };

    /// <summary>The initial slice of <paramref name="service"/>: endpoints on 127.1.x.y where nothing listens.</summary>
    public static V1EndpointSlice DeadSlice(int service, int endpointsPerService) =>
        Slice(service, [.. Enumerable.Range(service * endpointsPerService, endpointsPerService).Select(DeadAddress)], DeadPort);

    /// <summary>The slice of <paramref name="service"/> with the given ready endpoints on one port.</summary>
    public static V1EndpointSlice Slice(int service, string[] addresses, int port) => new()
    {
        Metadata = new V1ObjectMeta
        {
            NamespaceProperty = Namespace(service),
            Name = ServiceName(service) + "-1",
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = ServiceName(service) },
        },
        AddressType = "IPv4",
        Endpoints = [.. addresses.Select(a => new V1Endpoint { Addresses = [a], Conditions = new V1EndpointConditions { Ready = true, Serving = true } })],
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = port, Protocol = "TCP" }],
    };

    public static string DeadAddress(int index) => $"127.1.{index / 256}.{index % 256}";

    public static V1Service Service(int i) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = Namespace(i), Name = ServiceName(i) },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "http", Port = 80, Protocol = "TCP" }] },
    };

    public static V1Ingress Ingress(int i) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = Namespace(i), Name = "ing-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        Spec = new V1IngressSpec
        {
            IngressClassName = "plexus",
            Rules =
            [
                new V1IngressRule
                {
                    Host = Host(i),
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend { Name = ServiceName(i), Port = new V1ServiceBackendPort { Number = 80 } },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };
}
