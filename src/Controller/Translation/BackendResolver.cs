using System.Globalization;
using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>What an Ingress backend reference resolved to.</summary>
/// <param name="ClusterId">
/// "ns/service:port". For a resolved port the port is always the number, so the same Service port referenced by
/// name and by number is one cluster; an unresolved reference keeps what was written.
/// </param>
/// <param name="Origin">The Service port behind the cluster.</param>
/// <param name="Service">The Service; null when it does not exist.</param>
/// <param name="Port">The Service port; null when it could not be found (or an ExternalName Service without ports).</param>
/// <param name="PortNumber">The Service port number; null when unresolved.</param>
public sealed record ResolvedBackend(string ClusterId, ClusterOrigin Origin, V1Service? Service, V1ServicePort? Port, int? PortNumber)
{
    /// <summary>True when the route must not get endpoints: the Service or its port does not exist.</summary>
    public bool IsUnresolved => PortNumber is null;
}

/// <summary>
/// Resolves an Ingress service backend (name + port by number or name) against the Services in the Ingress's
/// namespace. A missing Service or port is a diagnostic and yields an unresolved backend: its route still claims
/// its host and path but has no endpoints (503), so requests never fall through to another, wrong, backend.
/// </summary>
public static class BackendResolver
{
    public static ResolvedBackend? Resolve(
        ObjectKey ingress,
        V1IngressServiceBackend backend,
        IReadOnlyDictionary<ObjectKey, V1Service> services,
        DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(diagnostics);

        var ns = ingress.Namespace;
        var name = backend.Name;
        var number = backend.Port?.Number;
        var portName = backend.Port?.Name;
        if (string.IsNullOrEmpty(name) || (number is null && string.IsNullOrEmpty(portName)))
        {
            diagnostics.Add(DiagnosticSeverity.Error, Subjects.Ingress(ingress), DiagnosticReasons.UnsupportedBackend,
                $"A backend names service \"{name}\" without a port; set service.name and service.port.number or service.port.name.");
            return null;
        }

        var reference = number is { } n ? n.ToString(CultureInfo.InvariantCulture) : portName!;
        if (!services.TryGetValue(new ObjectKey(ns, name), out var service))
        {
            diagnostics.Add(DiagnosticSeverity.Error, Subjects.Ingress(ingress), DiagnosticReasons.ServiceNotFound,
                $"Service \"{name}\" (port {reference}) does not exist in namespace \"{ns}\"; its routes answer 503 until it is created.");
            return Unresolved(ns, name, reference, null);
        }

        var port = service.Spec?.Ports?.FirstOrDefault(p => number is { } num ? p.Port == num : string.Equals(p.Name, portName, StringComparison.Ordinal));
        if (port is not null)
        {
            var canonical = port.Port.ToString(CultureInfo.InvariantCulture);
            return new ResolvedBackend($"{ns}/{name}:{canonical}", new ClusterOrigin(ns, name, canonical), service, port, port.Port);
        }

        // ExternalName Services often list no ports: the Ingress's port number is then the port to connect to.
        if (number is { } externalPort && IsExternalName(service))
        {
            return new ResolvedBackend($"{ns}/{name}:{reference}", new ClusterOrigin(ns, name, reference), service, null, externalPort);
        }

        var known = service.Spec?.Ports is { Count: > 0 } ports
            ? string.Join(", ", ports.Select(ProtocolDeclarationResolver.PortLabel))
            : "none";
        diagnostics.Add(DiagnosticSeverity.Error, Subjects.Ingress(ingress), DiagnosticReasons.ServicePortNotFound,
            $"Service \"{ns}/{name}\" has no port {(number is null ? $"named \"{portName}\"" : reference)} (its ports: {known}); its routes answer 503 until the reference or the Service is fixed.");
        return Unresolved(ns, name, reference, service);
    }

    public static bool IsExternalName(V1Service service) =>
        string.Equals(service?.Spec?.Type, "ExternalName", StringComparison.Ordinal);

    private static ResolvedBackend Unresolved(string ns, string name, string reference, V1Service? service) =>
        new($"{ns}/{name}:{reference}", new ClusterOrigin(ns, name, reference), service, null, null);
}
