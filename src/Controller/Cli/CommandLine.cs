using System.Collections.Frozen;
using System.Globalization;

namespace Plexus.Controller.Cli;

/// <summary>The parsed command line: which command to run and the configuration keys the flags set.</summary>
public sealed record CommandLine(string Command, IReadOnlyDictionary<string, string?> Settings)
{
    public const string Serve = "serve";
    public const string Check = "check";

    /// <summary>Prints the version (<c>--version</c>, or <c>version</c>) and exits.</summary>
    public const string Version = "version";

    /// <summary>Configuration section the <c>check</c> flags write to (below <see cref="ControllerOptions.SectionName"/>).</summary>
    public const string CheckSection = "Check";

    private enum FlagKind
    {
        Value,
        Switch,
        Port,
        Seconds,
        Choice,
        Count,
    }

    // Min and Max bound a Count flag.
    private sealed record Flag(string Key, FlagKind Kind, string Help, string[]? Choices = null, string? Argument = null, int Min = 0, int Max = 0);

    private static readonly string[] LogLevels = ["trace", "debug", "information", "warning", "error", "critical"];

    private static readonly FrozenDictionary<string, Flag> ServeFlags = new Dictionary<string, Flag>
    {
        ["--manifests"] = new("Manifests", FlagKind.Value, "DIR    read resources from YAML files in DIR (no cluster)"),
        ["--kubeconfig"] = new("Kubeconfig", FlagKind.Value, "FILE  kubeconfig to use (default: in-cluster service account)"),
        ["--http-port"] = new("HttpPort", FlagKind.Port, "N      plain HTTP/1.1 + h2c port (default 8080)"),
        ["--https-port"] = new("HttpsPort", FlagKind.Port, "N     TLS port (default 8443)"),
        ["--admin-port"] = new("AdminPort", FlagKind.Port, "N     admin port: /metrics /healthz /readyz /api/snapshot (default 10254)"),
        ["--bind-address"] = new("BindAddress", FlagKind.Value, "IP  listen address (default: all; 127.0.0.1 with --manifests)"),
        ["--ingress-class"] = new("IngressClass", FlagKind.Value, "NAME IngressClass to serve (default plexus)"),
        ["--watch-namespace"] = new("WatchNamespace", FlagKind.Value, "NS watch only this namespace"),
        ["--default-ssl-certificate"] = new("DefaultSslCertificate", FlagKind.Value, "NS/NAME TLS Secret served when no host matches (default: self-signed)"),
        ["--allow-external-name"] = new("AllowExternalName", FlagKind.Switch, "  route to ExternalName Services (default false)"),
        ["--publish-service"] = new("PublishService", FlagKind.Value, "NS/NAME write this Service's load-balancer addresses into our Ingresses' status"),
        ["--publish-address"] = new("PublishAddress", FlagKind.Value, "A[,A] write these IPs or host names into our Ingresses' status"),
        ["--update-status-on-shutdown"] = new("UpdateStatusOnShutdown", FlagKind.Switch, " clear our Ingresses' status when the leader stops (default false)"),
        ["--election-namespace"] = new("ElectionNamespace", FlagKind.Value, "NS namespace of the leader Lease (default: POD_NAMESPACE)"),
        ["--election-id"] = new("ElectionId", FlagKind.Value, "NAME   name of the leader Lease (default plexus-ingress-leader)"),
        ["--drain-delay"] = new("DrainDelay", FlagKind.Value, "DURATION keep serving after SIGTERM while /readyz is 503 (default 5s)"),
        ["--shutdown-timeout"] = new("ShutdownTimeout", FlagKind.Value, "DURATION in-flight requests may take after the drain delay (default 30s)"),
        ["--backend-connect-timeout"] = new("BackendConnectTimeout", FlagKind.Value, "DURATION connecting to a backend (TCP and TLS) may take this long (default 5s)"),
        ["--backend-read-timeout"] = new("BackendReadTimeout", FlagKind.Value, "DURATION a backend may stay silent this long while a response is awaited or read (default 60s)"),
        ["--backend-idle-timeout"] = new("BackendIdleTimeout", FlagKind.Value, "DURATION idle pooled backend connections are closed after this long (default 90s)"),
        ["--metrics-per-host"] = new("MetricsPerHost", FlagKind.Switch, "     add the route host as a label of request metrics (default false)"),
        ["--log-level"] = new("LogLevel", FlagKind.Choice, "LEVEL   trace, debug, information (default), warning, error or critical: Plexus' own log lines", LogLevels),
        ["--access-log"] = new("AccessLog", FlagKind.Switch, "           one JSON line per request on stdout (default false)"),
        ["--max-request-header-bytes"] = new("MaxRequestHeaderBytes", FlagKind.Count, "N all request headers together; more: 431 (default 16384)", Min: 1024, Max: 1024 * 1024),
        ["--max-request-headers"] = new("MaxRequestHeaders", FlagKind.Count, "N    request header fields; more: 431 (default 100)", Min: 1, Max: 10_000),
        ["--max-request-line-bytes"] = new("MaxRequestLineBytes", FlagKind.Count, "N HTTP/1.1 request line; longer: 414 (default 8192)", Min: 256, Max: 1024 * 1024),
        ["--request-headers-timeout"] = new("RequestHeadersTimeout", FlagKind.Value, "DURATION time to send a request's headers (default 10s)"),
        ["--keepalive-timeout"] = new("KeepaliveTimeout", FlagKind.Value, "DURATION   an idle client connection is closed after this (default 75s)"),
        ["--http2-max-concurrent-streams"] = new("Http2MaxConcurrentStreams", FlagKind.Count, "N HTTP/2 streams per client connection; more: REFUSED_STREAM (default 100)", Min: 1, Max: 10_000),
        ["--request-metrics"] = new("RequestMetrics", FlagKind.Switch, "      per-request metrics (default true; false only to measure their cost)"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Keys below "Plexus:Check", bound to Plexus.Controller.Check.CheckOptions.
    private static readonly FrozenDictionary<string, Flag> CheckFlags = new Dictionary<string, Flag>
    {
        ["--manifests"] = new("Manifests", FlagKind.Value, "check the YAML manifests in DIR (no cluster)", Argument: "DIR"),
        ["--kubeconfig"] = new("Kubeconfig", FlagKind.Value, "check the cluster of this kubeconfig (default: in-cluster service account)", Argument: "FILE"),
        ["--namespace"] = new("Namespace", FlagKind.Value, "only this namespace (default: all)", Argument: "NS"),
        ["--ingress-class"] = new("IngressClass", FlagKind.Value, "IngressClass to check (default plexus)", Argument: "NAME"),
        ["--allow-external-name"] = new("AllowExternalName", FlagKind.Switch, "include ExternalName Services (default false)"),
        ["--probe"] = new("Probe", FlagKind.Switch, "actively probe every endpoint with its declared protocol"),
        ["--strict"] = new("Strict", FlagKind.Switch, "fail on warnings too (exit 1), not only on what would not serve"),
        ["--probe-timeout"] = new("ProbeTimeoutSeconds", FlagKind.Seconds, "give up on one endpoint after S seconds: Unproven (default 5)", Argument: "S"),
        ["--timeout"] = new("TimeoutSeconds", FlagKind.Seconds, "give up reading from the Kubernetes API after S seconds (default 30)", Argument: "S"),
        ["--output"] = new("Output", FlagKind.Choice, "table (default) or json", ["table", "json"], "FORMAT"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/>; throws <see cref="CommandLineException"/> with a message for the user on bad input.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = Serve;
        var index = 0;
        if (args.Count > 0 && args[0] is "--version" or Version)
        {
            return args.Count == 1
                ? new CommandLine(Version, new Dictionary<string, string?>())
                : throw new CommandLineException($"{args[0]} takes no other arguments");
        }

        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            command = args[0] switch
            {
                Serve => Serve,
                Check => Check,
                _ => throw new CommandLineException($"unknown command '{args[0]}' (commands: serve, check, version)"),
            };
            index = 1;
        }

        var (flags, prefix, usage) = command == Check
            ? (CheckFlags, $"{ControllerOptions.SectionName}:{CheckSection}", CheckUsage)
            : (ServeFlags, ControllerOptions.SectionName, Usage);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (; index < args.Count; index++)
        {
            var arg = args[index];
            if (arg is "-h" or "--help")
            {
                throw new CommandLineException(usage, isHelp: true);
            }

            var (name, inlineValue) = SplitInline(arg);
            if (!flags.TryGetValue(name, out var flag))
            {
                throw new CommandLineException($"unknown flag '{name}'\n{usage}");
            }

            string? value;
            if (flag.Kind == FlagKind.Switch)
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

            Validate(name, flag, value);
            settings[$"{prefix}:{flag.Key}"] = value;
        }

        if (settings.ContainsKey($"{prefix}:Manifests") && settings.ContainsKey($"{prefix}:Kubeconfig"))
        {
            throw new CommandLineException("--manifests and --kubeconfig exclude each other: use one source");
        }

        return new CommandLine(command, settings);
    }

    public static string Usage =>
        "usage: Plexus.Controller [serve] [flags]\n"
        + "       Plexus.Controller check [flags]   (see check --help)\n"
        + "       Plexus.Controller --version\nflags:\n"
        + FlagList(ServeFlags);

    public static string CheckUsage =>
        "usage: Plexus.Controller check [--manifests DIR | --kubeconfig FILE] [--namespace NS] [--probe] [--output table|json]\n"
        + "Checks the backend protocol of every routed Service port: what is declared and where, what the readiness\n"
        + "probes prove, and (with --probe) what each endpoint really speaks.\n"
        + "exit codes: 0 every route would serve as declared, 1 something mismatches or would not serve (with --strict:\n"
        + "also any warning), 2 usage or connection error\nflags:\n"
        + FlagList(CheckFlags, align: true);

    // Serve's help texts carry their own spacing; check's are aligned here.
    private static string FlagList(FrozenDictionary<string, Flag> flags, bool align = false) =>
        string.Join('\n', flags.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => align
            ? $"  {(f.Value.Argument is null ? f.Key : $"{f.Key} {f.Value.Argument}"),-24} {f.Value.Help}"
            : $"  {f.Key} {f.Value.Help}"));

    private static void Validate(string name, Flag flag, string value)
    {
        switch (flag.Kind)
        {
            case FlagKind.Port when !int.TryParse(value, out var port) || port is < 0 or > 65535:
                throw new CommandLineException($"{name} must be a port number (0-65535), not '{value}'");
            case FlagKind.Seconds when !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds is < 1 or > 3600:
                throw new CommandLineException($"{name} must be a number of seconds (1-3600), not '{value}'");
            case FlagKind.Count when !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < flag.Min || count > flag.Max:
                throw new CommandLineException($"{name} must be a whole number from {flag.Min} to {flag.Max}, not '{value}'");
            case FlagKind.Choice when !flag.Choices!.Contains(value, StringComparer.Ordinal):
                throw new CommandLineException($"{name} must be one of {string.Join(", ", flag.Choices!)}, not '{value}'");
        }
    }

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
