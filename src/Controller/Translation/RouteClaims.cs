using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Who owns each host + path (+ match kind). Claims must be made oldest Ingress first: the first claimant keeps
/// it and every later one, in any namespace, gets a HostPathConflict naming the owner instead of silently
/// taking or sharing its traffic.
/// </summary>
public sealed class RouteClaims
{
    private readonly Dictionary<(string Host, string Path), (ObjectKey Ingress, string RouteId)> _owners = [];
    private readonly DiagnosticBag _diagnostics;

    public RouteClaims(DiagnosticBag diagnostics) => _diagnostics = diagnostics;

    public bool TryClaim(string? host, ValidatedPath path, ObjectKey ingress, string routeId)
    {
        var key = (host ?? string.Empty, path.ConflictKey);
        if (_owners.TryGetValue(key, out var owner))
        {
            var hostText = host is null ? "any host" : $"host \"{host}\"";
            var by = owner.Ingress == ingress ? "an earlier rule of this Ingress" : $"the older Ingress {owner.Ingress}";
            _diagnostics.Add(DiagnosticSeverity.Error, Subjects.Ingress(ingress), DiagnosticReasons.HostPathConflict,
                $"{hostText} path \"{path.Path}\" ({path.Match}) is already served by {by} (route {owner.RouteId}); this rule is ignored. Remove the duplicate or use a different host or path.");
            return false;
        }

        _owners.Add(key, (ingress, routeId));
        return true;
    }
}
