using System.Collections.Immutable;
using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Builds one cluster (a Service port) from a resolved backend: its declared protocol, its endpoints with their
/// verdicts, and the diagnostics about them (NoReadyEndpoints, ExternalNameDisabled, ReadinessProbeIncompatible).
/// </summary>
public sealed class ClusterBuilder
{
    /// <summary>Reasons of the diagnostics that depend on endpoints only; <see cref="Translator.UpdateEndpoints"/> recomputes exactly these.</summary>
    public static readonly ImmutableHashSet<string> EndpointReasons = ImmutableHashSet.Create(
        StringComparer.Ordinal,
        DiagnosticReasons.NoReadyEndpoints,
        DiagnosticReasons.ExternalNameDisabled,
        DiagnosticReasons.ReadinessProbeIncompatible);

    private readonly EndpointSliceIndex _slices;
    private readonly IReadOnlyDictionary<ObjectKey, PodProbes> _pods;
    private readonly ProbeResults _probes;
    private readonly bool _allowExternalName;
    private readonly DiagnosticBag _diagnostics;

    public ClusterBuilder(EndpointSliceIndex slices, IReadOnlyDictionary<ObjectKey, PodProbes> pods, ProbeResults probes, bool allowExternalName, DiagnosticBag diagnostics)
    {
        _slices = slices;
        _pods = pods;
        _probes = probes;
        _allowExternalName = allowExternalName;
        _diagnostics = diagnostics;
    }

    /// <summary>A new cluster: resolves the protocol declaration, then the endpoints.</summary>
    public (ProxyCluster Cluster, ProtocolDeclaration Declaration) Build(ResolvedBackend backend, IReadOnlyList<KeyValuePair<ObjectKey, V1Ingress>> referencingIngresses)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (backend.Service is not { } service || backend.PortNumber is not { } number)
        {
            // Missing Service or port: no endpoints (503), never someone else's.
            return (new ProxyCluster(backend.ClusterId, BackendProtocol.Http, []) { Origin = backend.Origin }, ProtocolDeclaration.Default);
        }

        var port = backend.Port ?? new V1ServicePort { Port = number };
        var declaration = ProtocolDeclarationResolver.Resolve(service, port, referencingIngresses, _diagnostics);
        return (WithEndpoints(backend.ClusterId, backend.Origin, service, port, declaration), declaration);
    }

    /// <summary>The cluster of a Service port whose declaration is already known (endpoint-only updates).</summary>
    public ProxyCluster WithEndpoints(string clusterId, ClusterOrigin origin, V1Service service, V1ServicePort port, ProtocolDeclaration declaration)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(declaration);
        var protocol = declaration.Protocol;
        var subject = Subjects.Service(origin.Namespace, origin.Service);
        var portLabel = ProtocolDeclarationResolver.PortLabel(port);
        ImmutableArray<BackendEndpoint> endpoints;
        if (BackendResolver.IsExternalName(service))
        {
            var externalName = service.Spec?.ExternalName;
            if (!_allowExternalName)
            {
                endpoints = [];
                _diagnostics.Add(DiagnosticSeverity.Error, subject, DiagnosticReasons.ExternalNameDisabled,
                    $"Service is of type ExternalName (\"{externalName}\") and routing to ExternalName Services is disabled; its routes answer 503. An administrator can enable it (Translator:AllowExternalName).");
            }
            else if (string.IsNullOrEmpty(externalName))
            {
                endpoints = [];
                _diagnostics.Add(DiagnosticSeverity.Error, subject, DiagnosticReasons.NoReadyEndpoints,
                    "Service is of type ExternalName but spec.externalName is empty; its routes answer 503.");
            }
            else
            {
                var host = externalName.TrimEnd('.').ToLowerInvariant();
                endpoints = [new BackendEndpoint(host, port.Port, _probes.For(host, port.Port, protocol), $"service/{origin.Namespace}/{origin.Service}")];
            }
        }
        else
        {
            endpoints = EndpointCollector.Collect(_slices.For(new ObjectKey(origin.Namespace, origin.Service)), port.Name, protocol, _probes);
            if (endpoints.IsEmpty)
            {
                _diagnostics.Add(DiagnosticSeverity.Error, subject, DiagnosticReasons.NoReadyEndpoints,
                    $"Port {portLabel} has no ready endpoints; its routes answer 503. Check that the Service selector matches running pods that pass their readiness probes.");
            }
        }

        var cluster = new ProxyCluster(clusterId, protocol, endpoints) { Origin = origin };
        var probeDiagnostic = ReadinessProbeChecker.Check(cluster, declaration, portLabel, _pods);
        if (probeDiagnostic is not null)
        {
            _diagnostics.Add(probeDiagnostic);
        }

        return cluster;
    }
}
