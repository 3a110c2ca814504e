using Plexus.Proxy.Model;

namespace Plexus.Controller.Events;

/// <summary>One Event a snapshot calls for: its identity and the message it should carry now.</summary>
public sealed record DesiredEvent(EventKey Key, string Message)
{
    public ObjectRef Subject => Key.Subject;

    public string Reason => Key.Reason;

    public string Type => Key.Type;
}
