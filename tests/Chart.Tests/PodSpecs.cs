using k8s.Models;

namespace Plexus.Chart.Tests;

/// <summary>The controller's pod template, whichever workload kind the chart rendered.</summary>
internal static class PodSpecs
{
    public static V1PodTemplateSpec Template(RenderedManifest manifest)
    {
        var workload = Assert.Single(manifest.Objects, o => o.Kind is "Deployment" or "DaemonSet");
        return workload.Kind == "Deployment"
            ? workload.As<V1Deployment>().Spec.Template
            : workload.As<V1DaemonSet>().Spec.Template;
    }

    public static V1Container Controller(RenderedManifest manifest) =>
        Assert.Single(Template(manifest).Spec.Containers, c => c.Name == "controller");

    public static IReadOnlyList<string> Args(RenderedManifest manifest) => [.. Controller(manifest).Args];

    /// <summary>The value of "--name=value" in the args; null when the flag is absent.</summary>
    public static string? Flag(RenderedManifest manifest, string name)
    {
        var prefix = name + "=";
        var matches = Args(manifest).Where(a => a == name || a.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count <= 1, $"{name} given {matches.Count} times");
        return matches.Count == 0 ? null : matches[0] == name ? string.Empty : matches[0][prefix.Length..];
    }

    public static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);
}
