namespace Plexus.Controller.Store;

/// <summary>Namespace and name of a Kubernetes object; Namespace is empty for cluster-scoped kinds.</summary>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
