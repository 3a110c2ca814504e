using Plexus.Proxy.Model;

namespace Plexus.Controller.Events;

/// <summary>One Kubernetes Event to keep reported: the object, the reason, the message and the Event type ("Warning" or "Normal").</summary>
public sealed record EventKey(ObjectRef Subject, string Reason, string Message, string Type);
