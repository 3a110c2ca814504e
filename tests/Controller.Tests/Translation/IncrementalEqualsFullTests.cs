using System.Collections.Immutable;
using System.Runtime.InteropServices;
using k8s;
using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;
using Plexus.Testing;
using static Plexus.Controller.Tests.Store.TestObjects;

namespace Plexus.Controller.Tests.Translation;

/// <summary>
/// The "same instance means unchanged" rule, guarded: random sequences of changes (objects through the real store,
/// verdicts as the prober reports them) applied incrementally, the way the pipeline does, always equal a full build of
/// the same state, and a full build of an unchanged state hands back every previous instance, certificates included.
/// </summary>
public sealed class IncrementalEqualsFullTests
{
    private const string Ns = "r";
    private static readonly string[] Addresses = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"];
    private static readonly string[] Hosts = ["a.test", "b.test", "*.w.test"];
    private static readonly string[] Paths = ["/", "/x", "/x/y"];
    private static readonly Lazy<(string Crt, string Key)[]> Pairs = new(() =>
    {
        var root = TestCertificates.CreateCa("Random Root");
        var intermediate = TestCertificates.CreateIntermediate(root, "Random Intermediate");
        var leaf = TestCertificates.CreateLeaf(intermediate, "a.test", "b.test");
        var self = K8s.SelfSigned("a.test");
        return
        [
            (leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem(), TestCertificates.KeyToPem(leaf)),
            self,
            ("not a certificate", "not a key"),
        ];
    });

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 12)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Any_sequence_of_changes_applied_incrementally_equals_a_full_build(int seed)
    {
        var random = new Random(seed);
        var store = NewStore();
        var options = Run.Options();
        var cache = new CertificateCache();
        store.Upsert(IngressClass("plexus"));
        var probes = ProbeResults.Empty;
        TranslationResult? applied = null;
        var version = 0L;
        var steps = new List<string>();

        for (var step = 0; step < 60; step++)
        {
            version++;
            if (applied is not null && random.Next(5) == 0)
            {
                var (next, changed) = ChangeVerdict(random, probes, applied);
                probes = next;
                steps.Add($"verdicts of {string.Join(",", changed)}");
                applied = Translator.UpdateVerdicts(applied, probes, changed, version);
            }
            else
            {
                steps.Add(ChangeObject(random, store));
                applied = IncrementalBuild.Next(applied, store.TakeChanges(), probes, options, version, cache);
            }

            var full = Translator.Build(store.Current, probes, options, version);
            try
            {
                AssertEquivalent(full.Snapshot, applied.Snapshot);
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, after: {string.Join(" | ", steps)}\n{ex.Message}");
            }
        }
    }

    [Fact]
    public void A_full_build_of_an_unchanged_state_hands_back_every_previous_instance_certificates_included()
    {
        var cache = new CertificateCache();
        var store = NewStore();
        store.Upsert(IngressClass("plexus"));
        store.Upsert(TlsSecret("cert", 0));
        store.Upsert(Service("svc0", "h2c"));
        store.Upsert(Slice("svc0", 0, ["127.0.0.1"]));
        store.Upsert(IngressOf("ing0", "a.test", "/", "svc0", tlsSecret: "cert"));
        var previous = IncrementalBuild.Next(null, store.TakeChanges(), ProbeResults.Empty, Run.Options(), 1, cache);
        Assert.NotEmpty(previous.Snapshot.Certificates);
        Assert.NotEmpty(previous.Snapshot.Certificates[0].Chain);

        // A change elsewhere (a Service no route uses) forces a full build of otherwise the same state.
        store.Upsert(Service("unused", "http"));
        var next = IncrementalBuild.Next(previous, store.TakeChanges(), ProbeResults.Empty, Run.Options(), 2, cache);

        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Routes), ImmutableCollectionsMarshal.AsArray(next.Snapshot.Routes));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Clusters), ImmutableCollectionsMarshal.AsArray(next.Snapshot.Clusters));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Diagnostics), ImmutableCollectionsMarshal.AsArray(next.Snapshot.Diagnostics));
        Assert.Same(ImmutableCollectionsMarshal.AsArray(previous.Snapshot.Certificates), ImmutableCollectionsMarshal.AsArray(next.Snapshot.Certificates));
    }

    private static void AssertEquivalent(ProxySnapshot expected, ProxySnapshot actual)
    {
        DeterminismAndUpdateTests.AssertEquivalent(expected, actual);
        Assert.Equal(Chains(expected), Chains(actual));
        Assert.Equal(expected.DefaultCertificate?.Certificate.Thumbprint, actual.DefaultCertificate?.Certificate.Thumbprint);
    }

    private static string[] Chains(ProxySnapshot snapshot) =>
        [.. snapshot.Certificates.Select(c => string.Join(",", c.Chain.Select(x => x.Thumbprint)))];

    private static string ChangeObject(Random random, ResourceStore store)
    {
        var pick = random.Next(100);
        var n = random.Next(4);
        IKubernetesObject<V1ObjectMeta>? upsert;
        ResourceKind kind;
        string name;
        if (pick < 30)
        {
            kind = ResourceKind.EndpointSlice;
            name = $"svc{n}-{random.Next(2)}";
            var addresses = Addresses.Where(_ => random.Next(2) == 0).ToArray();
            upsert = Slice($"svc{n}", int.Parse(name[^1..], System.Globalization.CultureInfo.InvariantCulture), addresses, notReady: random.Next(3) == 0 ? addresses.FirstOrDefault() : null);
        }
        else if (pick < 45)
        {
            kind = ResourceKind.Pod;
            name = $"pod-{n + 1}";
            upsert = PodWith(name, random.Next(4));
        }
        else if (pick < 60)
        {
            kind = ResourceKind.Service;
            name = $"svc{n}";
            upsert = Service(name, new[] { "http", "h2c", "auto", "grpc", "bogus" }[random.Next(5)]);
        }
        else if (pick < 70)
        {
            kind = ResourceKind.Secret;
            name = $"cert{n % 2}";
            upsert = TlsSecret(name, random.Next(Pairs.Value.Length));
        }
        else
        {
            kind = ResourceKind.Ingress;
            name = $"ing{n % 3}";
            upsert = IngressOf(
                name,
                random.Next(4) == 0 ? null : Hosts[random.Next(Hosts.Length)],
                Paths[random.Next(Paths.Length)],
                random.Next(6) == 0 ? "missing" : $"svc{random.Next(4)}",
                tlsSecret: random.Next(3) == 0 ? $"cert{random.Next(2)}" : null,
                exact: random.Next(3) == 0,
                created: n % 3);
        }

        if (random.Next(6) == 0)
        {
            store.Delete(kind, new ObjectKey(Ns, name));
            return $"delete {kind} {name}";
        }

        store.Upsert(upsert);
        return $"upsert {kind} {name}";
    }

    private static (ProbeResults Probes, IReadOnlySet<string> Clusters) ChangeVerdict(Random random, ProbeResults probes, TranslationResult applied)
    {
        var host = Addresses[random.Next(Addresses.Length)];
        var protocol = new[] { BackendProtocol.Http, BackendProtocol.H2c }[random.Next(2)];
        var verdict = random.Next(3) switch
        {
            0 => ProtocolVerdict.Unproven,
            1 => new ProtocolVerdict(VerdictKind.Verified, protocol),
            _ => new ProtocolVerdict(VerdictKind.Mismatch, BackendProtocol.Http, "speaks HTTP/1.1 only"),
        };
        var key = new ProbeKey(host, 8080, protocol);
        var next = new ProbeResults(verdict.Kind == VerdictKind.Unproven ? probes.Verdicts.Remove(key) : probes.Verdicts.SetItem(key, verdict));

        // What the prober reports as changed: the clusters that have the endpoint under that protocol.
        var changed = applied.Snapshot.Clusters
            .Where(c => c.Protocol == protocol || c.Protocol == BackendProtocol.Auto)
            .Where(c => c.Endpoints.Any(e => e.Host == host && e.Port == 8080))
            .Select(c => c.Id)
            .ToHashSet(StringComparer.Ordinal);
        return (next, changed);
    }

    private static V1Service Service(string name, string protocol) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Ns,
            ResourceVersion = Guid.NewGuid().ToString("N"),
            Annotations = new Dictionary<string, string> { [ProtocolAnnotations.Plexus] = protocol },
        },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "web", Port = 80, TargetPort = 8080 }] },
    };

    private static V1EndpointSlice Slice(string service, int index, string[] addresses, string? notReady = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"{service}-{index}",
            NamespaceProperty = Ns,
            ResourceVersion = Guid.NewGuid().ToString("N"),
            Labels = new Dictionary<string, string> { [ResourceStore.ServiceNameLabel] = service },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "web", Port = 8080 }],
        Endpoints = [.. addresses.Select(a => new V1Endpoint
        {
            Addresses = [a],
            Conditions = new V1EndpointConditions { Ready = a != notReady },
            TargetRef = new V1ObjectReference { Kind = "Pod", Name = $"pod-{a[^1..]}", NamespaceProperty = Ns },
        })],
    };

    private static V1Pod PodWith(string name, int probe)
    {
        var pod = Pod(name, rv: Guid.NewGuid().ToString("N"), ns: Ns, readiness: probe switch
        {
            0 => null,
            1 => new V1Probe { HttpGet = new V1HTTPGetAction { Port = 8080 } },
            2 => new V1Probe { Grpc = new V1GRPCAction { Port = 8080 } },
            _ => new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 8080 } },
        });
        return pod;
    }

    private static V1Secret TlsSecret(string name, int pair)
    {
        var (crt, key) = Pairs.Value[pair];
        return new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, ResourceVersion = Guid.NewGuid().ToString("N") },
            Type = pair == 1 ? "Opaque" : "kubernetes.io/tls",
            Data = new Dictionary<string, byte[]> { ["tls.crt"] = System.Text.Encoding.UTF8.GetBytes(crt), ["tls.key"] = System.Text.Encoding.UTF8.GetBytes(key) },
        };
    }

    private static V1Ingress IngressOf(string name, string? host, string path, string service, string? tlsSecret = null, bool exact = false, int created = 0) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Ns,
            ResourceVersion = Guid.NewGuid().ToString("N"),
            CreationTimestamp = K8s.T0.AddMinutes(created),
            Uid = $"uid-{name}",
        },
        Spec = new V1IngressSpec
        {
            IngressClassName = "plexus",
            Tls = tlsSecret is null || host is null ? null : [new V1IngressTLS { SecretName = tlsSecret, Hosts = [host] }],
            Rules =
            [
                new V1IngressRule
                {
                    Host = host,
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = path,
                                PathType = exact ? "Exact" : "Prefix",
                                Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = service, Port = new V1ServiceBackendPort { Number = 80 } } },
                            },
                        ],
                    },
                },
            ],
        },
    };
}
