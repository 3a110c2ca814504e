using System.Collections.Frozen;

namespace Plexus.Controller.Cli;

/// <summary>The parsed command line: which command to run and the configuration keys the flags set.</summary>
public sealed record CommandLine(string Command, IReadOnlyDictionary<string, string?> Settings)
{
    public const string Serve = "serve";

    private sealed record Flag(string Key, bool IsSwitch, string Help);

    private static readonly FrozenDictionary<string, Flag> ServeFlags = new Dictionary<string, Flag>
    {
        ["--manifests"] = new("Manifests", false, "DIR    read resources from YAML files in DIR (no cluster)"),
        ["--kubeconfig"] = new("Kubeconfig", false, "FILE  kubeconfig to use (default: in-cluster service account)"),
        ["--http-port"] = new("HttpPort", false, "N      plain HTTP/1.1 + h2c port (default 8080)"),
        ["--https-port"] = new("HttpsPort", false, "N     TLS port (default 8443)"),
        ["--admin-port"] = new("AdminPort", false, "N     admin port: /metrics /healthz /readyz /api/snapshot (default 10254)"),
        ["--bind-address"] = new("BindAddress", false, "IP  listen address (default: all; 127.0.0.1 with --manifests)"),
        ["--ingress-class"] = new("IngressClass", false, "NAME IngressClass to serve (default plexus)"),
        ["--watch-namespace"] = new("WatchNamespace", false, "NS watch only this namespace"),
        ["--default-ssl-certificate"] = new("DefaultSslCertificate", false, "NS/NAME TLS Secret served when no host matches (default: self-signed)"),
        ["--allow-external-name"] = new("AllowExternalName", true, "  route to ExternalName Services (default false)"),
        ["--publish-service"] = new("PublishService", false, "NS/NAME write this Service's load-balancer addresses into our Ingresses' status"),
        ["--publish-address"] = new("PublishAddress", false, "A[,A] write these IPs or host names into our Ingresses' status"),
        ["--update-status-on-shutdown"] = new("UpdateStatusOnShutdown", true, " clear our Ingresses' status when the leader stops (default false)"),
        ["--election-namespace"] = new("ElectionNamespace", false, "NS namespace of the leader Lease (default: POD_NAMESPACE)"),
        ["--election-id"] = new("ElectionId", false, "NAME   name of the leader Lease (default plexus-ingress-leader)"),
        ["--drain-delay"] = new("DrainDelay", false, "DURATION keep serving after SIGTERM while /readyz is 503 (default 5s)"),
        ["--shutdown-timeout"] = new("ShutdownTimeout", false, "DURATION in-flight requests may take after the drain delay (default 30s)"),
        ["--metrics-per-host"] = new("MetricsPerHost", true, "     add the route host as a label of request metrics (default false)"),
        ["--access-log"] = new("AccessLog", true, "           one JSON line per request on stdout (default false)"),
        ["--request-metrics"] = new("RequestMetrics", true, "      per-request metrics (default true; false only to measure their cost)"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/>; throws <see cref="CommandLineException"/> with a message for the user on bad input.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = Serve;
        var index = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            command = args[0] switch
            {
                Serve => Serve,
                _ => throw new CommandLineException($"unknown command '{args[0]}' (commands: serve)"),
            };
            index = 1;
        }

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (; index < args.Count; index++)
        {
            var arg = args[index];
            if (arg is "-h" or "--help")
            {
                throw new CommandLineException(Usage, isHelp: true);
            }

            var (name, inlineValue) = SplitInline(arg);
            if (!ServeFlags.TryGetValue(name, out var flag))
            {
                throw new CommandLineException($"unknown flag '{name}'\n{Usage}");
            }

            string? value;
            if (flag.IsSwitch)
            {
                value = inlineValue ?? "true";
                if (!bool.TryParse(value, out _))
                {
                    throw new CommandLineException($"{name} takes true or false, not '{value}'");
                }
            }
            else
            {
                value = inlineValue ?? (index + 1 < args.Count ? args[++index] : throw new CommandLineException($"{name} needs a value"));
            }

            if (flag.Key.EndsWith("Port", StringComparison.Ordinal)
                && (!int.TryParse(value, out var port) || port is < 0 or > 65535))
            {
                throw new CommandLineException($"{name} must be a port number (0-65535), not '{value}'");
            }

            settings[$"{ControllerOptions.SectionName}:{flag.Key}"] = value;
        }

        if (settings.ContainsKey($"{ControllerOptions.SectionName}:Manifests") && settings.ContainsKey($"{ControllerOptions.SectionName}:Kubeconfig"))
        {
            throw new CommandLineException("--manifests and --kubeconfig exclude each other: use one source");
        }

        return new CommandLine(command, settings);
    }

    public static string Usage =>
        "usage: Plexus.Controller [serve] [flags]\nflags:\n"
        + string.Join('\n', ServeFlags.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"  {f.Key} {f.Value.Help}"));

    private static (string Name, string? Value) SplitInline(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }
}

/// <summary>Bad command-line input; the message is meant for the user.</summary>
public sealed class CommandLineException : Exception
{
    public CommandLineException(string message, bool isHelp = false)
        : base(message) => IsHelp = isHelp;

    public CommandLineException()
    {
    }

    public CommandLineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public bool IsHelp { get; }
}
