using Plexus.Controller.Store;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>Which object a manifest document defines: its kind and store key.</summary>
public readonly record struct ManifestObjectIdentity(ResourceKind Kind, ObjectKey Key)
{
    public override string ToString() => $"{Kind} {Key}";
}
