namespace Plexus.Controller.Sources.Manifests;

/// <summary>What is wrong with (part of) a manifest file.</summary>
public enum ManifestProblemKind
{
    /// <summary>The file cannot be read into objects; it keeps the objects it had before.</summary>
    InvalidFile,

    /// <summary>The file could not be read from disk (vanished, locked, no permission).</summary>
    UnreadableFile,

    /// <summary>A document of a kind Plexus does not read (a Deployment, a ConfigMap): skipped.</summary>
    IgnoredKind,

    /// <summary>A document that looks meant for Plexus but is not read: a kind Plexus reads under another apiVersion, or in other letter case.</summary>
    UnreadKind,

    /// <summary>A field the object's kind does not have (often a typo): ignored, as the API server would prune it.</summary>
    UnknownField,
}
