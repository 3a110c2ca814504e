namespace Plexus.Controller.Tests.FakeApi;

/// <summary>A request the fake API server received, as the real API server would classify it.</summary>
/// <param name="Verb">RBAC-style verb: list, watch, get, create, update, patch, delete.</param>
/// <param name="Resource">The resource.</param>
/// <param name="Namespace">Namespace of the path, null for the all-namespaces or cluster-scoped form.</param>
/// <param name="Name">Object name, for single-object requests.</param>
/// <param name="Subresource">E.g. "status".</param>
/// <param name="ResourceVersion">The resourceVersion query parameter.</param>
/// <param name="FieldSelector">The fieldSelector query parameter.</param>
/// <param name="LabelSelector">The labelSelector query parameter.</param>
/// <param name="AllowWatchBookmarks">allowWatchBookmarks=true was sent.</param>
/// <param name="TimeoutSeconds">The timeoutSeconds query parameter.</param>
/// <param name="Limit">The limit query parameter.</param>
/// <param name="Continue">The continue query parameter.</param>
public sealed record FakeApiRequest(
    string Verb,
    FakeResource Resource,
    string? Namespace,
    string? Name,
    string? Subresource,
    string? ResourceVersion,
    string? FieldSelector,
    string? LabelSelector,
    bool AllowWatchBookmarks,
    int? TimeoutSeconds,
    int? Limit,
    string? Continue);
