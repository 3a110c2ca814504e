using k8s.Models;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Translation;

/// <summary>The <see cref="ObjectRef"/> of the objects diagnostics are about.</summary>
public static class Subjects
{
    public static ObjectRef Ingress(ObjectKey key) => new("Ingress", key.Namespace, key.Name);

    public static ObjectRef Service(string ns, string name) => new("Service", ns, name);

    public static ObjectRef Secret(string ns, string name) => new("Secret", ns, name);

    public static ObjectRef IngressClass(string name) => new("IngressClass", null, name);

    public static ObjectKey KeyOf(V1Ingress ingress) =>
        new(ingress.Metadata?.NamespaceProperty ?? string.Empty, ingress.Metadata?.Name ?? string.Empty);
}
