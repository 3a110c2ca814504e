using System.Globalization;
using System.Text;
using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Finds the backend protocol declared for one Service port. Sources, first match wins:
/// 1) Service annotation <c>plexus.dev/backend-protocol</c> (one value, or <c>name-or-number=value,...</c>);
/// 2) the port's <c>appProtocol</c>; 3) migration annotations: ingress-nginx (on the Ingresses that reference
/// the port, oldest first), Traefik, Contour (on the Service). Nothing declared means HTTP/1.1.
/// An invalid value is reported (InvalidBackendProtocol) and skipped, so the next source decides; sources that
/// disagree with the winner are reported together (BackendProtocolConflict). Nothing here throws on bad input,
/// and every diagnostic concerns only this Service or the Ingresses referencing it.
/// </summary>
public static class ProtocolDeclarationResolver
{
    private static readonly (string Key, BackendProtocol Protocol)[] ContourKeys =
    [
        (ProtocolAnnotations.ContourH2, BackendProtocol.H2),
        (ProtocolAnnotations.ContourH2c, BackendProtocol.H2c),
        (ProtocolAnnotations.ContourTls, BackendProtocol.Https),
    ];

    /// <param name="service">The Service.</param>
    /// <param name="port">The port of <paramref name="service"/> the cluster sends to.</param>
    /// <param name="referencingIngresses">Ingresses whose routes use this port, oldest first (for the ingress-nginx annotation).</param>
    /// <param name="diagnostics">Receives invalid values and conflicts.</param>
    public static ProtocolDeclaration Resolve(
        V1Service service,
        V1ServicePort port,
        IReadOnlyList<KeyValuePair<ObjectKey, V1Ingress>> referencingIngresses,
        DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(referencingIngresses);
        ArgumentNullException.ThrowIfNull(diagnostics);

        var ns = service.Metadata?.NamespaceProperty ?? string.Empty;
        var name = service.Metadata?.Name ?? string.Empty;
        var subject = Subjects.Service(ns, name);
        var portLabel = PortLabel(port);
        var annotations = service.Metadata?.Annotations;
        var candidates = new List<ProtocolDeclaration>(2);

        if (annotations is not null && annotations.TryGetValue(ProtocolAnnotations.Plexus, out var plexus))
        {
            FromPlexusAnnotation(plexus, service, port, subject, portLabel, candidates, diagnostics);
        }

        if (!string.IsNullOrEmpty(port.AppProtocol))
        {
            FromAppProtocol(port.AppProtocol, subject, portLabel, candidates, diagnostics);
        }

        FromIngressNginx(referencingIngresses, subject, portLabel, candidates, diagnostics);

        if (annotations is not null && annotations.TryGetValue(ProtocolAnnotations.Traefik, out var traefik))
        {
            FromTraefik(traefik, subject, candidates, diagnostics);
        }

        if (annotations is not null)
        {
            FromContour(annotations, port, candidates);
        }

        if (candidates.Count == 0)
        {
            return ProtocolDeclaration.Default;
        }

        var winner = candidates[0];
        ReportConflicts(winner, candidates, subject, portLabel, diagnostics);
        return winner;
    }

    /// <summary>"name (number)" or "number", as operators see the port in messages.</summary>
    public static string PortLabel(V1ServicePort port)
    {
        ArgumentNullException.ThrowIfNull(port);
        return string.IsNullOrEmpty(port.Name)
            ? port.Port.ToString(CultureInfo.InvariantCulture)
            : $"{port.Name} ({port.Port.ToString(CultureInfo.InvariantCulture)})";
    }

    private static void FromPlexusAnnotation(
        string value,
        V1Service service,
        V1ServicePort port,
        ObjectRef subject,
        string portLabel,
        List<ProtocolDeclaration> candidates,
        DiagnosticBag diagnostics)
    {
        var detail = $"Service annotation {ProtocolAnnotations.Plexus}=\"{value}\"";
        if (!value.Contains('=', StringComparison.Ordinal))
        {
            if (BackendProtocolNames.TryParse(value, out var single))
            {
                candidates.Add(new ProtocolDeclaration(single, ProtocolSource.PlexusAnnotation, detail));
            }
            else
            {
                diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.InvalidBackendProtocol,
                    $"Annotation {ProtocolAnnotations.Plexus}=\"{value}\" is not a protocol: use one of http, h2c, h2, https, auto (grpc = h2c, grpcs = h2), or a list such as \"grpc=h2c,8443=h2\".");
            }

            return;
        }

        ProtocolDeclaration? match = null;
        foreach (var rawEntry in value.Split(','))
        {
            var entry = rawEntry.Trim();
            if (entry.Length == 0)
            {
                continue;
            }

            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? string.Empty : entry[..eq].Trim();
            var protocolText = eq < 0 ? entry : entry[(eq + 1)..].Trim();
            if (key.Length == 0)
            {
                diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.InvalidBackendProtocol,
                    $"Annotation {ProtocolAnnotations.Plexus}: entry \"{entry}\" must have the form port-name-or-number=protocol (a list cannot mix in a bare protocol).");
                continue;
            }

            if (!BackendProtocolNames.TryParse(protocolText, out var protocol))
            {
                diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.InvalidBackendProtocol,
                    $"Annotation {ProtocolAnnotations.Plexus}: \"{protocolText}\" for port \"{key}\" is not a protocol: use one of http, h2c, h2, https, auto (grpc = h2c, grpcs = h2).");
                continue;
            }

            if (!PortMatches(port, key) && !ServiceHasPort(service, key))
            {
                diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.InvalidBackendProtocol,
                    $"Annotation {ProtocolAnnotations.Plexus}: entry \"{entry}\" names port \"{key}\", which the Service does not have; use a port name or number from spec.ports.");
                continue;
            }

            if (!PortMatches(port, key))
            {
                continue;
            }

            if (match is null)
            {
                match = new ProtocolDeclaration(protocol, ProtocolSource.PlexusAnnotation, $"Service annotation {ProtocolAnnotations.Plexus} entry \"{entry}\"");
            }
            else if (match.Protocol != protocol)
            {
                diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.BackendProtocolConflict,
                    $"Port {portLabel}: annotation {ProtocolAnnotations.Plexus} lists it twice with different protocols; the first, {match.Detail} ({match.Protocol.ToWireName()}), is used and entry \"{entry}\" is ignored.");
            }
        }

        if (match is not null)
        {
            candidates.Add(match);
        }
    }

    private static void FromAppProtocol(string appProtocol, ObjectRef subject, string portLabel, List<ProtocolDeclaration> candidates, DiagnosticBag diagnostics)
    {
        BackendProtocol? protocol = appProtocol.ToLowerInvariant() switch
        {
            "kubernetes.io/h2c" or "http2" or "grpc" => BackendProtocol.H2c,
            "http" or "kubernetes.io/ws" => BackendProtocol.Http,
            "https" or "kubernetes.io/wss" => BackendProtocol.Https,
            _ => null,
        };
        if (protocol is { } known)
        {
            candidates.Add(new ProtocolDeclaration(known, ProtocolSource.AppProtocol, $"port {portLabel} appProtocol \"{appProtocol}\""));
            return;
        }

        var hint = appProtocol.ToLowerInvariant() switch
        {
            "h2c" => " The standard name is \"kubernetes.io/h2c\": write appProtocol: kubernetes.io/h2c (or annotate the Service plexus.dev/backend-protocol: h2c).",
            "h2" or "grpcs" => $" For HTTP/2 over TLS annotate the Service {ProtocolAnnotations.Plexus}: \"{PortKeyHint(portLabel)}=h2\".",
            _ => $" Plexus understands kubernetes.io/h2c, http, https, kubernetes.io/ws, kubernetes.io/wss, http2 and grpc; or annotate the Service {ProtocolAnnotations.Plexus}.",
        };
        diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.InvalidBackendProtocol,
            $"Port {portLabel} has appProtocol \"{appProtocol}\", which Plexus does not know; it is ignored (not treated as HTTP/1.1).{hint}");
    }

    private static void FromIngressNginx(
        IReadOnlyList<KeyValuePair<ObjectKey, V1Ingress>> ingresses,
        ObjectRef serviceSubject,
        string portLabel,
        List<ProtocolDeclaration> candidates,
        DiagnosticBag diagnostics)
    {
        ProtocolDeclaration? first = null;
        ObjectKey firstKey = default;
        foreach (var (key, ingress) in ingresses)
        {
            if (ingress.Metadata?.Annotations is not { } annotations || !annotations.TryGetValue(ProtocolAnnotations.IngressNginx, out var value))
            {
                continue;
            }

            BackendProtocol? protocol = value.Trim().ToUpperInvariant() switch
            {
                "HTTP" => BackendProtocol.Http,
                "HTTPS" => BackendProtocol.Https,
                "GRPC" => BackendProtocol.H2c,
                "GRPCS" => BackendProtocol.H2,
                _ => null,
            };
            if (protocol is not { } known)
            {
                diagnostics.Add(DiagnosticSeverity.Warning, Subjects.Ingress(key), DiagnosticReasons.InvalidBackendProtocol,
                    $"Annotation {ProtocolAnnotations.IngressNginx}=\"{value}\" is not supported by Plexus (HTTP, HTTPS, GRPC, GRPCS are); it is ignored. Prefer annotating the Service {ProtocolAnnotations.Plexus}.");
                continue;
            }

            if (first is null)
            {
                first = new ProtocolDeclaration(known, ProtocolSource.IngressNginxAnnotation, $"Ingress {key} annotation {ProtocolAnnotations.IngressNginx}=\"{value}\"");
                firstKey = key;
            }
            else if (first.Protocol != known)
            {
                diagnostics.Add(DiagnosticSeverity.Warning, Subjects.Ingress(key), DiagnosticReasons.BackendProtocolConflict,
                    $"Annotation {ProtocolAnnotations.IngressNginx}=\"{value}\" disagrees with the older Ingress {firstKey} for {serviceSubject.Namespace}/{serviceSubject.Name} port {portLabel}; the backend protocol is per Service port, so {first.Protocol.ToWireName()} from {firstKey} is kept. Declare it once on the Service with {ProtocolAnnotations.Plexus}.");
            }
        }

        if (first is not null)
        {
            candidates.Add(first);
        }
    }

    private static void FromTraefik(string value, ObjectRef subject, List<ProtocolDeclaration> candidates, DiagnosticBag diagnostics)
    {
        BackendProtocol? protocol = value.Trim().ToLowerInvariant() switch
        {
            "http" => BackendProtocol.Http,
            "https" => BackendProtocol.Https,
            "h2c" => BackendProtocol.H2c,
            _ => null,
        };
        if (protocol is { } known)
        {
            candidates.Add(new ProtocolDeclaration(known, ProtocolSource.TraefikAnnotation, $"Service annotation {ProtocolAnnotations.Traefik}=\"{value}\""));
            return;
        }

        diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.InvalidBackendProtocol,
            $"Annotation {ProtocolAnnotations.Traefik}=\"{value}\" is not one of http, https, h2c; it is ignored.");
    }

    private static void FromContour(IDictionary<string, string> annotations, V1ServicePort port, List<ProtocolDeclaration> candidates)
    {
        foreach (var (key, protocol) in ContourKeys)
        {
            if (!annotations.TryGetValue(key, out var value))
            {
                continue;
            }

            foreach (var item in value.Split(','))
            {
                if (PortMatches(port, item.Trim()))
                {
                    candidates.Add(new ProtocolDeclaration(protocol, ProtocolSource.ContourAnnotation, $"Service annotation {key}=\"{value}\""));
                    break;
                }
            }
        }
    }

    private static void ReportConflicts(ProtocolDeclaration winner, List<ProtocolDeclaration> candidates, ObjectRef subject, string portLabel, DiagnosticBag diagnostics)
    {
        StringBuilder? losers = null;
        for (var i = 1; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            if (candidate.Protocol == winner.Protocol)
            {
                continue;
            }

            losers ??= new StringBuilder();
            losers.Append(losers.Length == 0 ? string.Empty : "; ")
                .Append(candidate.Detail).Append(" says ").Append(candidate.Protocol.ToWireName());
        }

        if (losers is not null)
        {
            diagnostics.Add(DiagnosticSeverity.Warning, subject, DiagnosticReasons.BackendProtocolConflict,
                $"Port {portLabel}: {winner.Detail} declares {winner.Protocol.ToWireName()} and wins; ignored: {losers}. Remove the declaration that is wrong.");
        }
    }

    private static bool PortMatches(V1ServicePort port, string key) =>
        key.Length > 0
        && (string.Equals(port.Name, key, StringComparison.Ordinal)
            || (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number == port.Port));

    private static bool ServiceHasPort(V1Service service, string key) =>
        service.Spec?.Ports?.Any(p => PortMatches(p, key)) == true;

    private static string PortKeyHint(string portLabel)
    {
        var space = portLabel.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? portLabel : portLabel[..space];
    }
}
