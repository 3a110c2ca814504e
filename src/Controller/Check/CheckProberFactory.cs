using Plexus.Proxy.Probing;

namespace Plexus.Controller.Check;

/// <summary>
/// The prober <c>check --probe</c> uses in production. INTEGRATION POINT: the real <c>ProtocolProber</c>
/// (src/Proxy/Probing, branch <c>prober</c>) is not merged yet; once it is, construct it here without DI, e.g.
/// <c>new ProtocolProber(new ProtocolProberOptions { ... })</c> with per-probe timeouts not above
/// <see cref="CheckOptions.ProbeTimeoutSeconds"/>. Until then <c>--probe</c> stops with exit 2 and says why;
/// it never reports verdicts it did not observe.
/// </summary>
public static class CheckProberFactory
{
    public static IProtocolProber Create(CheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        throw new CheckInputException("--probe is not available in this build (the protocol prober is not wired in yet); run without --probe");
    }
}
