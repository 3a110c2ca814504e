namespace Plexus.Controller.Sources.Manifests;

/// <summary>One problem in a manifest file, structured for the admin API, the dashboard and <c>check</c>.</summary>
/// <param name="Kind">What kind of problem.</param>
/// <param name="Line">The 1-based line it is at in the file (the document's first line when nothing closer is known).</param>
/// <param name="Message">What is wrong and what to do, for a person: no .NET type names.</param>
public sealed record ManifestProblem(ManifestProblemKind Kind, int Line, string Message);
