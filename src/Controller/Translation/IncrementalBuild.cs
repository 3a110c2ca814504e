using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>
/// The build that follows a store change, given what is applied: only the endpoints of the Services whose slices or
/// Pods changed when nothing else did, else a full build that hands back the previous instances of whatever did not
/// change. Either way the result equals a full build of the same state and verdicts (pinned by a seeded random test),
/// and what did not change keeps its instance: consumers diff by reference.
/// </summary>
public static class IncrementalBuild
{
    /// <summary>The build kind of an endpoint-only change (also the metrics label).</summary>
    public const string Endpoints = "endpoints";

    /// <summary>The build kind of any other change (also the metrics label).</summary>
    public const string Full = "full";

    public static string KindOf(TranslationResult? applied, StoreChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return applied is not null && changes.IsEndpointOnly ? Endpoints : Full;
    }

    public static TranslationResult Next(
        TranslationResult? applied,
        StoreChanges changes,
        ProbeResults probes,
        TranslatorOptions options,
        long version,
        CertificateCache? certificates = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return KindOf(applied, changes) == Endpoints
            ? Translator.UpdateEndpoints(applied!, changes.State, probes, changes.EndpointServices, options, version, changes.EndpointSliceKeys)
            : InstanceReuse.KeepUnchanged(applied, Translator.Build(changes.State, probes, options, version, certificates));
    }
}
