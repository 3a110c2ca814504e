namespace Plexus.Proxy.Tests.Hosting;

public sealed class TestEnvironmentTests
{
    [Fact]
    public void Tests_run_with_inline_socket_completions_like_the_executable()
    {
        // Set by tests/test.runsettings; without it the suite would not see blocking waits that stall an epoll thread.
        Assert.Equal("1", Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"));
    }
}
