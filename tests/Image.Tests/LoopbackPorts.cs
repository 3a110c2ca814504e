using System.Net;
using System.Net.Sockets;

namespace Plexus.Image.Tests;

/// <summary>
/// Free ports on 127.0.0.1 for a container on the host network: it binds them itself, so they are chosen here by
/// letting the kernel pick one (port 0) and releasing it.
/// </summary>
internal static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
