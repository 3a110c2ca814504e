using Plexus.Proxy.Model;

namespace Plexus.Controller.Events;

/// <summary>
/// What makes two Events the same Event: the object, the reason and the Event type ("Warning" or "Normal"). Not the
/// message: it names volatile details (endpoint addresses, counts), and keying on it made every pod rollout of a broken
/// Service a new Event. A changed message updates the Event it belongs to.
/// </summary>
public sealed record EventKey(ObjectRef Subject, string Reason, string Type);
