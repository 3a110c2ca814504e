namespace Plexus.Controller.Sources.Manifests;

/// <summary>One YAML document as JSON, with the top-level fields that say what it is.</summary>
/// <param name="Json">UTF-8 JSON of the whole document.</param>
/// <param name="ApiVersion">Top-level <c>apiVersion</c> when it is a scalar.</param>
/// <param name="Kind">Top-level <c>kind</c> when it is a scalar.</param>
/// <param name="Name"><c>metadata.name</c> when it is a scalar.</param>
internal sealed record ManifestJsonDocument(byte[] Json, string? ApiVersion, string? Kind, string? Name);
