namespace Plexus.Proxy.Forwarding;

/// <summary>The live routing state; replaced by one volatile write, read once per request.</summary>
internal sealed class RoutingStateHolder
{
    private volatile RoutingState _current = RoutingState.Empty;

    public RoutingState Current
    {
        get => _current;
        set => _current = value;
    }
}
