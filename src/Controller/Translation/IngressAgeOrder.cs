using k8s.Models;
using Plexus.Controller.Store;

namespace Plexus.Controller.Translation;

/// <summary>
/// Oldest first: creationTimestamp, then namespace, then name (ordinal). Whoever was there first keeps a
/// contested host/path, default backend or certificate, so a newcomer can never hijack traffic silently.
/// An Ingress without a timestamp (manifest files) counts as the oldest possible.
/// </summary>
public sealed class IngressAgeOrder : IComparer<KeyValuePair<ObjectKey, V1Ingress>>
{
    public static IngressAgeOrder Instance { get; } = new();

    public int Compare(KeyValuePair<ObjectKey, V1Ingress> x, KeyValuePair<ObjectKey, V1Ingress> y)
    {
        var tx = x.Value.Metadata?.CreationTimestamp ?? DateTime.MinValue;
        var ty = y.Value.Metadata?.CreationTimestamp ?? DateTime.MinValue;
        var c = tx.ToUniversalTime().CompareTo(ty.ToUniversalTime());
        if (c == 0)
        {
            c = string.CompareOrdinal(x.Key.Namespace, y.Key.Namespace);
        }

        return c != 0 ? c : string.CompareOrdinal(x.Key.Name, y.Key.Name);
    }
}
