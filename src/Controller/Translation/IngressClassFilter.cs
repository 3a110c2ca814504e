using System.Collections.Immutable;
using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// Decides which Ingresses belong to this controller: <c>spec.ingressClassName</c> naming our class (which must
/// exist with our controller), no class at all while our class is the default one, or the deprecated
/// <c>kubernetes.io/ingress.class</c> annotation equal to our class name. Everything else belongs to another
/// controller and is never touched, not even with a diagnostic.
/// </summary>
public sealed class IngressClassFilter
{
    public const string ControllerName = "plexus.dev/ingress-controller";
    public const string IsDefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";
    public const string LegacyClassAnnotation = "kubernetes.io/ingress.class";

    private readonly string _className;
    private readonly V1IngressClass? _class;
    private readonly bool _classIsOurs;
    private readonly bool _isDefault;

    public IngressClassFilter(ResourceState state, string className)
    {
        ArgumentNullException.ThrowIfNull(state);
        _className = className;
        _class = state.IngressClasses.GetValueOrDefault(new ObjectKey(string.Empty, className));
        _classIsOurs = string.Equals(_class?.Spec?.Controller, ControllerName, StringComparison.Ordinal);
        _isDefault = _classIsOurs
            && _class!.Metadata?.Annotations is { } annotations
            && annotations.TryGetValue(IsDefaultClassAnnotation, out var value)
            && string.Equals(value, "true", StringComparison.Ordinal);
    }

    /// <summary>Our Ingresses, oldest first (see <see cref="IngressAgeOrder"/>).</summary>
    public ImmutableArray<KeyValuePair<ObjectKey, V1Ingress>> Select(ResourceState state, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var ours = ImmutableArray.CreateBuilder<KeyValuePair<ObjectKey, V1Ingress>>();
        var namingUsWithoutClass = 0;
        foreach (var entry in state.Ingresses)
        {
            switch (Classify(entry.Value))
            {
                case Claim.Ours:
                    ours.Add(entry);
                    break;
                case Claim.NamesUsButClassUnusable:
                    namingUsWithoutClass++;
                    break;
            }
        }

        if (namingUsWithoutClass > 0)
        {
            // One diagnostic on the class, not one per Ingress: the fix is a single object.
            if (_class is null)
            {
                diagnostics.Add(
                    DiagnosticSeverity.Warning,
                    Subjects.IngressClass(_className),
                    DiagnosticReasons.IngressClassNotFound,
                    $"{namingUsWithoutClass} Ingress(es) set spec.ingressClassName \"{_className}\" but no IngressClass \"{_className}\" exists; they are ignored until an IngressClass \"{_className}\" with spec.controller \"{ControllerName}\" is created.");
            }
            else
            {
                diagnostics.Add(
                    DiagnosticSeverity.Warning,
                    Subjects.IngressClass(_className),
                    DiagnosticReasons.IngressClassControllerMismatch,
                    $"IngressClass \"{_className}\" has spec.controller \"{_class.Spec?.Controller}\", not \"{ControllerName}\"; the {namingUsWithoutClass} Ingress(es) naming it are ignored. Set the controller, or start Plexus with --ingress-class naming a class of its own.");
            }
        }

        ours.Sort(IngressAgeOrder.Instance);
        return ours.ToImmutable();
    }

    public bool IsOurs(V1Ingress ingress) => Classify(ingress) == Claim.Ours;

    private Claim Classify(V1Ingress ingress)
    {
        var className = ingress.Spec?.IngressClassName;
        if (!string.IsNullOrEmpty(className))
        {
            if (!string.Equals(className, _className, StringComparison.Ordinal))
            {
                return Claim.NotOurs;
            }

            return _classIsOurs ? Claim.Ours : Claim.NamesUsButClassUnusable;
        }

        // The API server rejects the annotation together with spec.ingressClassName, so it only matters here.
        if (ingress.Metadata?.Annotations is { } annotations && annotations.TryGetValue(LegacyClassAnnotation, out var legacy))
        {
            return string.Equals(legacy, _className, StringComparison.Ordinal) ? Claim.Ours : Claim.NotOurs;
        }

        return _isDefault ? Claim.Ours : Claim.NotOurs;
    }

    private enum Claim
    {
        NotOurs,
        Ours,
        NamesUsButClassUnusable,
    }
}
