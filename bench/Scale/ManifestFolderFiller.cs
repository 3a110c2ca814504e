using System.Text;
using k8s;
using k8s.Models;

namespace Plexus.Bench.Scale;

/// <summary>
/// Writes the cluster of <see cref="ClusterFiller"/> as a manifest folder for <c>--manifests</c>, laid out the way a
/// repository of apps usually is: one folder per namespace, one file per app holding its Service, EndpointSlice and
/// Ingress (<c>bench-3/svc-13.yaml</c>), and the IngressClass in <c>ingressclass.yaml</c> at the top.
/// </summary>
internal static class ManifestFolderFiller
{
    public static void Fill(string root, int services, int endpointsPerService)
    {
        WriteAtomically(Path.Combine(root, "ingressclass.yaml"), Yaml(ClusterFiller.IngressClass(), "networking.k8s.io/v1", "IngressClass"));
        for (var i = 0; i < services; i++)
        {
            WriteApp(root, i, ClusterFiller.DeadSlice(i, endpointsPerService));
        }
    }

    /// <summary>The file of one app.</summary>
    public static string AppFile(string root, int service) =>
        Path.Combine(root, ClusterFiller.Namespace(service), ClusterFiller.ServiceName(service) + ".yaml");

    /// <summary>(Re)writes the file of one app with <paramref name="slice"/> as its EndpointSlice, as an editor or <c>git checkout</c> would: a temporary file renamed over it.</summary>
    public static void WriteApp(string root, int service, V1EndpointSlice slice)
    {
        var content = new StringBuilder()
            .Append(Yaml(ClusterFiller.Service(service), "v1", "Service")).Append("---\n")
            .Append(Yaml(slice, "discovery.k8s.io/v1", "EndpointSlice")).Append("---\n")
            .Append(Yaml(ClusterFiller.Ingress(service), "networking.k8s.io/v1", "Ingress"))
            .ToString();
        WriteAtomically(AppFile(root, service), content);
    }

    private static void WriteAtomically(string path, string content)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, "." + Path.GetFileName(path) + ".tmp");
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static string Yaml<T>(T obj, string apiVersion, string kind)
        where T : IKubernetesObject
    {
        obj.ApiVersion = apiVersion;
        obj.Kind = kind;
        var yaml = KubernetesYaml.Serialize(obj);
        return yaml.EndsWith('\n') ? yaml : yaml + "\n";
    }
}
