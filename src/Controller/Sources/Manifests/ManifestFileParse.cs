using k8s;
using k8s.Models;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// What parsing one manifest file's content gave: its objects and the documents it skipped, or, when the file is
/// rejected, why (then <see cref="Objects"/> is empty and the file's previous objects stay in force).
/// </summary>
public sealed record ManifestFileParse(
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects,
    IReadOnlyList<string> Ignored,
    string? Problem)
{
    public bool IsRejected => Problem is not null;

    /// <summary>Parses <paramref name="content"/>; never throws for bad content. Pure.</summary>
    public static ManifestFileParse Of(string content)
    {
        try
        {
            var documents = ManifestParser.Parse(content);
            return new ManifestFileParse(documents.Objects, documents.Ignored, null);
        }
        catch (Exception ex) when (ex is ManifestParseException or ArgumentException or InvalidOperationException)
        {
            // ManifestParseException is the expected case; the others guard against a model/YAML library corner
            // case, which must cost this file only, never the controller.
            return new ManifestFileParse([], [], ex.Message);
        }
    }
}
