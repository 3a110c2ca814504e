using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Tests.Translation;

/// <summary>Small builders for the Kubernetes objects the translator reads. Addresses are loopback only.</summary>
public static class K8s
{
    public static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static IngressBuilder Ingress(string ns, string name) => new(ns, name);

    public static ServiceBuilder Service(string ns, string name) => new(ns, name);

    public static SliceBuilder Slice(string ns, string name, string service) => new(ns, name, service);

    public static V1IngressClass IngressClass(string name, string controller = IngressClassFilter.ControllerName, bool isDefault = false) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Annotations = isDefault ? new Dictionary<string, string> { [IngressClassFilter.IsDefaultClassAnnotation] = "true" } : null,
        },
        Spec = new V1IngressClassSpec { Controller = controller },
    };

    public static V1Secret Secret(string ns, string name, string? type, string? crt, string? key) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name },
        Type = type,
        Data = new Dictionary<string, byte[]>
        {
            ["tls.crt"] = crt is null ? [] : Encoding.UTF8.GetBytes(crt),
            ["tls.key"] = key is null ? [] : Encoding.UTF8.GetBytes(key),
        },
    };

    public static V1ServiceBackendPort Port(object port) => port switch
    {
        int number => new V1ServiceBackendPort { Number = number },
        string name => new V1ServiceBackendPort { Name = name },
        _ => throw new ArgumentException("port is an int or a string", nameof(port)),
    };

    public static PodProbes Pod(string ns, string name, params ReadinessProbeInfo[] probes) => new(ns, name, [.. probes]);

    public static ReadinessProbeInfo HttpProbe(int port, string scheme = "HTTP") => new("app", ProbeKind.HttpGet, port, null, scheme);

    public static ReadinessProbeInfo GrpcProbe(int port) => new("app", ProbeKind.Grpc, port, null, null);

    public static ReadinessProbeInfo TcpProbe(int port) => new("app", ProbeKind.TcpSocket, port, null, null);

    public static ReadinessProbeInfo ExecProbe() => new("app", ProbeKind.Exec, null, null, null);

    /// <summary>A self-signed certificate chain (leaf first) and its PKCS#8 key, PEM.</summary>
    public static (string Crt, string Key) SelfSigned(string host)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(T0, T0.AddYears(10));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}

public sealed class IngressBuilder
{
    private readonly V1Ingress _ingress;

    public IngressBuilder(string ns, string name)
    {
        _ingress = new V1Ingress
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, CreationTimestamp = K8s.T0, Annotations = new Dictionary<string, string>() },
            Spec = new V1IngressSpec { IngressClassName = "plexus", Rules = [], Tls = [] },
        };
    }

    public IngressBuilder Class(string? className)
    {
        _ingress.Spec.IngressClassName = className;
        return this;
    }

    public IngressBuilder Annotation(string key, string value)
    {
        _ingress.Metadata.Annotations[key] = value;
        return this;
    }

    public IngressBuilder Created(int minutesAfterT0)
    {
        _ingress.Metadata.CreationTimestamp = K8s.T0.AddMinutes(minutesAfterT0);
        return this;
    }

    /// <summary>Starts a new rule (host may be null).</summary>
    public IngressBuilder Rule(string? host)
    {
        _ingress.Spec.Rules.Add(new V1IngressRule { Host = host, Http = new V1HTTPIngressRuleValue { Paths = [] } });
        return this;
    }

    /// <summary>Adds a path to the last rule (a host-less rule is created if there is none).</summary>
    public IngressBuilder Path(string? path, string? pathType, string service, object port)
    {
        if (_ingress.Spec.Rules.Count == 0)
        {
            Rule(null);
        }

        _ingress.Spec.Rules[^1].Http.Paths.Add(new V1HTTPIngressPath
        {
            Path = path,
            PathType = pathType,
            Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = service, Port = K8s.Port(port) } },
        });
        return this;
    }

    public IngressBuilder ResourcePath(string path)
    {
        if (_ingress.Spec.Rules.Count == 0)
        {
            Rule(null);
        }

        _ingress.Spec.Rules[^1].Http.Paths.Add(new V1HTTPIngressPath
        {
            Path = path,
            PathType = "Prefix",
            Backend = new V1IngressBackend { Resource = new V1TypedLocalObjectReference { Kind = "StorageBucket", Name = "static", ApiGroup = "k8s.example.com" } },
        });
        return this;
    }

    public IngressBuilder DefaultBackend(string service, object port)
    {
        _ingress.Spec.DefaultBackend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = service, Port = K8s.Port(port) } };
        return this;
    }

    public IngressBuilder Tls(string? secret, params string[] hosts)
    {
        _ingress.Spec.Tls.Add(new V1IngressTLS { SecretName = secret, Hosts = hosts });
        return this;
    }

    public V1Ingress Build() => _ingress;
}

public sealed class ServiceBuilder
{
    private readonly V1Service _service;

    public ServiceBuilder(string ns, string name)
    {
        _service = new V1Service
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, Annotations = new Dictionary<string, string>() },
            Spec = new V1ServiceSpec { Type = "ClusterIP", Ports = [] },
        };
    }

    public ServiceBuilder Port(int port, string? name = null, string? appProtocol = null, int? targetPort = null)
    {
        _service.Spec.Ports.Add(new V1ServicePort { Port = port, Name = name, AppProtocol = appProtocol, TargetPort = targetPort ?? port, Protocol = "TCP" });
        return this;
    }

    public ServiceBuilder Annotation(string key, string value)
    {
        _service.Metadata.Annotations[key] = value;
        return this;
    }

    public ServiceBuilder ExternalName(string name)
    {
        _service.Spec.Type = "ExternalName";
        _service.Spec.ExternalName = name;
        return this;
    }

    public V1Service Build() => _service;
}

public sealed class SliceBuilder
{
    private readonly V1EndpointSlice _slice;

    public SliceBuilder(string ns, string name, string service)
    {
        _slice = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta
            {
                NamespaceProperty = ns,
                Name = name,
                Labels = new Dictionary<string, string> { [EndpointSliceIndex.ServiceNameLabel] = service },
            },
            AddressType = "IPv4",
            Ports = [],
            Endpoints = [],
        };
    }

    public SliceBuilder AddressType(string type)
    {
        _slice.AddressType = type;
        return this;
    }

    public SliceBuilder Port(int port, string? name = null)
    {
        _slice.Ports.Add(new Discoveryv1EndpointPort { Port = port, Name = name, Protocol = "TCP" });
        return this;
    }

    public SliceBuilder Endpoint(string address, bool? ready = true, bool? serving = null, bool? terminating = null, string? pod = null)
    {
        _slice.Endpoints.Add(new V1Endpoint
        {
            Addresses = [address],
            Conditions = ready is null && serving is null && terminating is null ? null : new V1EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
            TargetRef = pod is null ? null : new V1ObjectReference { Kind = "Pod", Name = pod, NamespaceProperty = _slice.Metadata.NamespaceProperty },
        });
        return this;
    }

    public V1EndpointSlice Build() => _slice;
}

/// <summary>Collects objects into a <see cref="ResourceState"/>; starts with the IngressClass "plexus" unless told otherwise.</summary>
public sealed class StateBuilder
{
    private readonly Dictionary<ObjectKey, V1Ingress> _ingresses = [];
    private readonly Dictionary<ObjectKey, V1IngressClass> _classes = [];
    private readonly Dictionary<ObjectKey, V1Service> _services = [];
    private readonly Dictionary<ObjectKey, V1EndpointSlice> _slices = [];
    private readonly Dictionary<ObjectKey, V1Secret> _secrets = [];
    private readonly Dictionary<ObjectKey, PodProbes> _pods = [];

    public StateBuilder(bool withPlexusClass = true)
    {
        if (withPlexusClass)
        {
            Add(K8s.IngressClass("plexus"));
        }
    }

    public StateBuilder Add(V1IngressClass c)
    {
        _classes[new ObjectKey(string.Empty, c.Metadata.Name)] = c;
        return this;
    }

    public StateBuilder Add(IngressBuilder b) => Add(b.Build());

    public StateBuilder Add(V1Ingress i)
    {
        _ingresses[new ObjectKey(i.Metadata.NamespaceProperty, i.Metadata.Name)] = i;
        return this;
    }

    public StateBuilder Add(ServiceBuilder b) => Add(b.Build());

    public StateBuilder Add(V1Service s)
    {
        _services[new ObjectKey(s.Metadata.NamespaceProperty, s.Metadata.Name)] = s;
        return this;
    }

    public StateBuilder Add(SliceBuilder b) => Add(b.Build());

    public StateBuilder Add(V1EndpointSlice s)
    {
        _slices[new ObjectKey(s.Metadata.NamespaceProperty, s.Metadata.Name)] = s;
        return this;
    }

    public StateBuilder Add(V1Secret s)
    {
        _secrets[new ObjectKey(s.Metadata.NamespaceProperty, s.Metadata.Name)] = s;
        return this;
    }

    public StateBuilder Add(PodProbes p)
    {
        _pods[new ObjectKey(p.Namespace, p.Name)] = p;
        return this;
    }

    /// <summary>A Service "ns/name" with one port and one ready endpoint per address (loopback), in a slice "name-1".</summary>
    public StateBuilder Backend(string ns, string name, int port = 80, string? portName = null, int targetPort = 8080, params string[] addresses)
    {
        Add(K8s.Service(ns, name).Port(port, portName, targetPort: targetPort));
        var slice = K8s.Slice(ns, name + "-1", name).Port(targetPort, portName);
        var pod = 0;
        foreach (var address in addresses.Length == 0 ? ["127.0.0.10"] : addresses)
        {
            slice.Endpoint(address, pod: $"{name}-pod-{pod++}");
        }

        return Add(slice);
    }

    public ResourceState Build() => new(
        _ingresses.ToImmutableDictionary(),
        _classes.ToImmutableDictionary(),
        _services.ToImmutableDictionary(),
        _slices.ToImmutableDictionary(),
        _secrets.ToImmutableDictionary(),
        _pods.ToImmutableDictionary());
}

public static class Run
{
    public static TranslatorOptions Options(bool allowExternalName = false, string className = "plexus") =>
        new() { IngressClassName = className, AllowExternalName = allowExternalName };

    public static ProxySnapshot Build(StateBuilder state, TranslatorOptions? options = null, ProbeResults? probes = null) =>
        Translator.Build(state.Build(), probes ?? ProbeResults.Empty, options ?? Options()).Snapshot;

    public static TranslationResult Full(StateBuilder state, TranslatorOptions? options = null, ProbeResults? probes = null) =>
        Translator.Build(state.Build(), probes ?? ProbeResults.Empty, options ?? Options());

    public static string[] Reasons(this ProxySnapshot snapshot) => [.. snapshot.Diagnostics.Select(d => d.Reason)];

    public static Diagnostic Only(this ProxySnapshot snapshot, string reason) => Assert.Single(snapshot.Diagnostics, d => d.Reason == reason);

    public static ProxyCluster Cluster(this ProxySnapshot snapshot, string id) => Assert.Single(snapshot.Clusters, c => c.Id == id);
}
