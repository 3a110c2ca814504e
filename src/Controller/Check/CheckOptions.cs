namespace Plexus.Controller.Check;

/// <summary>How <c>plexus check</c> runs, bound from "Plexus:Check" (the <c>check</c> flags write there).</summary>
public sealed class CheckOptions
{
    public const string SectionName = $"{ControllerOptions.SectionName}:{Cli.CommandLine.CheckSection}";

    /// <summary>Folder of YAML manifests to check (<c>--manifests</c>); excludes <see cref="Kubeconfig"/>.</summary>
    public string? Manifests { get; set; }

    /// <summary>Kubeconfig of the cluster to check (<c>--kubeconfig</c>); neither this nor <see cref="Manifests"/> means in-cluster.</summary>
    public string? Kubeconfig { get; set; }

    /// <summary>Only this namespace (<c>--namespace</c>); null means all. IngressClasses are cluster-wide either way.</summary>
    public string? Namespace { get; set; }

    public string IngressClass { get; set; } = "plexus";

    public bool AllowExternalName { get; set; }

    /// <summary>Actively probe every endpoint (<c>--probe</c>).</summary>
    public bool Probe { get; set; }

    /// <summary>Warnings fail the check too (exit 1), not only what leaves a route unserved.</summary>
    public bool Strict { get; set; }

    /// <summary>Per-endpoint bound of one probe; past it the endpoint is Unproven.</summary>
    public int ProbeTimeoutSeconds { get; set; } = 5;

    /// <summary>Bound of reading everything from the Kubernetes API.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>How many endpoints are probed at once.</summary>
    public int ProbeConcurrency { get; set; } = 16;

    /// <summary>"table" or "json" (<c>--output</c>).</summary>
    public string Output { get; set; } = "table";

    internal string? EffectiveNamespace => string.IsNullOrWhiteSpace(Namespace) ? null : Namespace;
}
