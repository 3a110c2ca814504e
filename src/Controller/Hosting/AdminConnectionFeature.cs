namespace Plexus.Controller.Hosting;

/// <summary>
/// Marks connections accepted on the admin listener. The admin pipeline is chosen by this marker, set by the
/// listener itself, never by anything a client sends (a Host header naming the admin port proves nothing).
/// </summary>
internal sealed class AdminConnectionFeature
{
    public static AdminConnectionFeature Instance { get; } = new();
}
