using System.Net;

namespace Plexus.Controller;

/// <summary>Process-wide settings, bound from the "Plexus" configuration section (flags, environment PLEXUS__*, appsettings).</summary>
public sealed class ControllerOptions
{
    public const string SectionName = "Plexus";

    /// <summary>Read resources from this folder of YAML manifests instead of a cluster.</summary>
    public string? Manifests { get; set; }

    /// <summary>Kubeconfig file; null means the in-cluster service account.</summary>
    public string? Kubeconfig { get; set; }

    public int HttpPort { get; set; } = 8080;

    public int HttpsPort { get; set; } = 8443;

    public int AdminPort { get; set; } = 10254;

    /// <summary>Address the three listeners bind to; null means all interfaces (loopback only in manifest mode).</summary>
    public string? BindAddress { get; set; }

    public string IngressClass { get; set; } = "plexus";

    /// <summary>Limit namespaced resources to this namespace; null means all.</summary>
    public string? WatchNamespace { get; set; }

    /// <summary>Route to ExternalName Services (off by default: it lets an Ingress author point traffic anywhere DNS resolves).</summary>
    public bool AllowExternalName { get; set; }

    /// <summary>The kubernetes.io/tls Secret ("namespace/name") served when no host matches; null means a self-generated certificate.</summary>
    public string? DefaultSslCertificate { get; set; }

    /// <summary>Copy this Service's load-balancer addresses ("namespace/name") into our Ingresses' status.</summary>
    public string? PublishService { get; set; }

    /// <summary>Publish these addresses (IPs or host names, comma separated) in our Ingresses' status.</summary>
    public string? PublishAddress { get; set; }

    /// <summary>Clear our Ingresses' status when the leader shuts down.</summary>
    public bool UpdateStatusOnShutdown { get; set; }

    /// <summary>Namespace of the leader-election Lease; null means POD_NAMESPACE or the service account's namespace.</summary>
    public string? ElectionNamespace { get; set; }

    /// <summary>Name of the leader-election Lease; null means "plexus-ingress-leader".</summary>
    public string? ElectionId { get; set; }

    /// <summary>Seconds the listeners keep serving after SIGTERM while /readyz already reports 503 (null: 5). Parsed on start, so that a bad value gets a message naming the flag.</summary>
    public string? DrainDelay { get; set; }

    /// <summary>Seconds in-flight requests and streams get to complete after the drain delay (null: 30).</summary>
    public string? ShutdownTimeout { get; set; }

    /// <summary>Bytes of all request headers together (null: <see cref="Plexus.Proxy.Listeners.PlexusListenerOptions.DefaultMaxRequestHeadersTotalSize"/>).</summary>
    public int? MaxRequestHeaderBytes { get; set; }

    /// <summary>Request header fields per request (null: <see cref="Plexus.Proxy.Listeners.PlexusListenerOptions.DefaultMaxRequestHeaderCount"/>).</summary>
    public int? MaxRequestHeaders { get; set; }

    /// <summary>Bytes of the HTTP/1.1 request line (null: <see cref="Plexus.Proxy.Listeners.PlexusListenerOptions.DefaultMaxRequestLineSize"/>).</summary>
    public int? MaxRequestLineBytes { get; set; }

    /// <summary>Time a client gets to send a request's headers (null: 10 s). Parsed on start, like <see cref="DrainDelay"/>.</summary>
    public string? RequestHeadersTimeout { get; set; }

    /// <summary>Time an idle client connection stays open (null: 75 s).</summary>
    public string? KeepaliveTimeout { get; set; }

    /// <summary>Concurrent HTTP/2 streams per client connection (null: <see cref="Plexus.Proxy.Listeners.PlexusListenerOptions.DefaultHttp2MaxStreamsPerConnection"/>).</summary>
    public int? Http2MaxConcurrentStreams { get; set; }
    /// <summary>How long connecting to a backend (TCP and TLS) may take (null: 5s).</summary>
    public string? BackendConnectTimeout { get; set; }

    /// <summary>How long a backend may stay silent while Plexus waits for its response or the next part of it (null: 60s).</summary>
    public string? BackendReadTimeout { get; set; }

    /// <summary>How long an idle pooled connection to a backend is kept open (null: 90s).</summary>
    public string? BackendIdleTimeout { get; set; }

    /// <summary>Per-request metrics (requests, durations, upstream failures and connections); off only to measure their cost.</summary>
    public bool RequestMetrics { get; set; } = true;

    /// <summary>Adds the route's host as a label of the request metrics (one more series per Ingress host).</summary>
    public bool MetricsPerHost { get; set; }

    /// <summary>One JSON line per request on standard output (off by default: it costs CPU and I/O per request).</summary>
    public bool AccessLog { get; set; }

    /// <summary>Minimum level of Plexus' own log lines (and of the host's start/stop lines); null: information. Framework categories keep their quieter defaults.</summary>
    public string? LogLevel { get; set; }

    public IPAddress ResolveBindAddress()
    {
        if (!string.IsNullOrWhiteSpace(BindAddress))
        {
            return IPAddress.TryParse(BindAddress, out var address)
                ? address
                : throw new FormatException($"--bind-address '{BindAddress}' is not an IP address");
        }

        // A laptop run must not expose the proxy to the network; a pod must listen on its pod IP.
        return Manifests is not null ? IPAddress.Loopback : IPAddress.Any;
    }
}
