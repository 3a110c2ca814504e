using k8s;
using k8s.Models;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// What parsing one manifest file's content gave: its objects, the documents it skipped and what a person should know
/// about it (<see cref="Problems"/>), or, when the file is rejected, why and where (then <see cref="Objects"/> is empty
/// and the file's previous objects stay in force).
/// </summary>
public sealed record ManifestFileParse(
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects,
    IReadOnlyList<string> Ignored,
    string? Problem)
{
    /// <summary>Skipped kinds, unknown fields: the file was read nevertheless.</summary>
    public IReadOnlyList<ManifestProblem> Problems { get; init; } = [];

    /// <summary>The 1-based line of <see cref="Problem"/> in the file, when known.</summary>
    public int? ProblemLine { get; init; }

    public bool IsRejected => Problem is not null;

    /// <summary>Parses <paramref name="content"/>; never throws for bad content. Pure.</summary>
    public static ManifestFileParse Of(string content)
    {
        try
        {
            var documents = ManifestParser.Parse(content);
            return new ManifestFileParse(documents.Objects, documents.Ignored, null) { Problems = documents.Problems };
        }
        catch (Exception ex) when (ex is ManifestParseException or ArgumentException or InvalidOperationException)
        {
            // ManifestParseException is the expected case; the others guard against a model/YAML library corner
            // case, which must cost this file only, never the controller.
            return new ManifestFileParse([], [], ex.Message) { ProblemLine = (ex as ManifestParseException)?.Line };
        }
    }
}
