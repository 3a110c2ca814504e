namespace Plexus.Proxy.Tests;
public class SmokeTests { [Fact] public void Empty_snapshot_has_no_routes() => Assert.Empty(Plexus.Proxy.Model.ProxySnapshot.Empty.Routes); }
