using Plexus.Proxy.Probing;

namespace Plexus.Controller.Check;

/// <summary>
/// The prober <c>check --probe</c> uses: the controller's own <see cref="ProtocolProber"/>, built without DI, its connect
/// and answer timeouts kept within the per-endpoint bound (<see cref="CheckOptions.ProbeTimeoutSeconds"/>).
/// </summary>
public static class CheckProberFactory
{
    public static IProtocolProber Create(CheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var bound = TimeSpan.FromSeconds(options.ProbeTimeoutSeconds);
        var defaults = new ProbeOptions();
        return new ProtocolProber(new ProbeOptions
        {
            ConnectTimeout = Min(defaults.ConnectTimeout, bound),
            ResponseTimeout = Min(defaults.ResponseTimeout, bound),
        });
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
