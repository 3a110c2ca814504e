using k8s;
using k8s.Exceptions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using Plexus.Controller.Admin;
using Plexus.Controller.Runtime;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Sources.Manifests;
using Plexus.Controller.Store;
using Plexus.Controller.Telemetry;
using Plexus.Controller.Translation;
using Plexus.Proxy.Hosting;
using Plexus.Proxy.Listeners;

namespace Plexus.Controller.Hosting;

/// <summary>
/// Builds the one Plexus process: source → store → translator → proxy, the traffic listeners and the admin listener.
/// Used by <c>Program</c> and by end-to-end tests (which pass port 0 and read <see cref="PlexusEndpoints"/>).
/// </summary>
public static class PlexusApplication
{
    /// <summary>Creates the application from flag-style settings ("Plexus:HttpPort" = "0", ...).</summary>
    /// <exception cref="StartupException">The settings cannot work (e.g. the manifest folder does not exist).</exception>
    public static WebApplication Create(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = Directory.GetCurrentDirectory() });
        // Lowest-priority defaults: per-request Information logs of Kestrel, hosting and YARP cost more than the
        // proxying itself; an operator can still turn them on (Logging__LogLevel__Yarp=Information).
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = QuietFrameworkLogs });
        builder.Configuration.AddInMemoryCollection(settings);
        var options = builder.Configuration.GetSection(ControllerOptions.SectionName).Get<ControllerOptions>() ?? new ControllerOptions();
        if (!string.IsNullOrEmpty(options.LogLevel))
        {
            builder.Configuration.AddInMemoryCollection(LogLevelSettings(options.LogLevel));
        }

        Validate(options);
        var listenerOptions = TrafficListenerOptions.From(options);

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.Configure<TranslatorOptions>(translator =>
        {
            translator.IngressClassName = options.IngressClass;
            translator.AllowExternalName = options.AllowExternalName;
            translator.DefaultCertificateSecret = options.DefaultSslCertificate;
        });
        builder.Services.AddSingleton<ReadinessState>();
        builder.Services.AddSingleton<CertificateCache>();
        builder.Services.AddSingleton(_ => new CertificateTable(SelfSignedCertificate.Create()));
        builder.Services.AddSingleton<PlexusEndpoints>();
        builder.Services.AddResourceStore();
        builder.Services.AddPlexusTelemetry(builder.Configuration, options);
        var backendTimeouts = BackendTimeouts(options);
        builder.Services.AddPlexusProxy(backendTimeouts);
        builder.Services.AddProtocolProbing(builder.Configuration.GetSection(ProbeSchedulerOptions.SectionName));
        builder.Services.AddHostedService<SnapshotPipeline>();
        AddSource(builder.Services, builder.Configuration, options);
        builder.Services.AddGracefulShutdown(options);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var services = kestrel.ApplicationServices;
            var bind = options.ResolveBindAddress();
            listenerOptions.BindAddress = bind;
            var traffic = kestrel.ListenPlexusTraffic(listenerOptions, services.GetRequiredService<CertificateTable>());
            ListenOptions? admin = null;
            kestrel.Listen(bind, options.AdminPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(next => connection =>
                {
                    connection.Features.Set(AdminConnectionFeature.Instance);
                    return next(connection);
                });
                admin = listen;
            });
            services.GetRequiredService<PlexusEndpoints>().Configured(traffic, admin!);
        });

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseCleartextHttp2Scheme();
        app.MapWhen(
            context => context.Features.Get<AdminConnectionFeature>() is not null,
            admin =>
            {
                admin.UseRouting();
                admin.UseEndpoints(endpoints => endpoints.MapPlexusAdmin());
            });
        app.UseRouting();
        app.MapPlexusProxy();
        return app;
    }

    // --log-level: Plexus' categories, anything without a rule of its own, and the host's start/stop lines.
    private static Dictionary<string, string?> LogLevelSettings(string level) => new()
    {
        ["Logging:LogLevel:Default"] = level,
        ["Logging:LogLevel:Plexus"] = level,
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = level,
    };

    private static readonly Dictionary<string, string?> QuietFrameworkLogs = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        ["Logging:LogLevel:Yarp"] = "Warning",

        // YARP logs every failed forward as a Warning with the whole stack trace: a down backend under load flooded the
        // log with ~20 lines per request. PlexusUpstreamErrorMiddleware logs those failures instead, one line per
        // failure class and cluster, throttled, with counts; this category has nothing of Error level to say.
        ["Logging:LogLevel:Yarp.ReverseProxy.Forwarder.HttpForwarder"] = "Error",

        // ASP.NET Core starts an Activity for every request while this category logs at all, only to give log scopes a
        // trace id; its only own messages are per-request Information/Debug lines. With it off, requests create no
        // Activity unless tracing is exported (then the OpenTelemetry listener makes ASP.NET Core create them).
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",
    };

    private static Action<PlexusProxyOptions> BackendTimeouts(ControllerOptions options)
    {
        var defaults = new PlexusProxyOptions();
        var connect = DurationFlag.Parse(options.BackendConnectTimeout, "--backend-connect-timeout", defaults.ConnectTimeout, positive: true);
        var read = DurationFlag.Parse(options.BackendReadTimeout, "--backend-read-timeout", defaults.DefaultRequestTimeout, positive: true);
        var idle = DurationFlag.Parse(options.BackendIdleTimeout, "--backend-idle-timeout", defaults.PooledConnectionIdleTimeout, positive: true);
        return proxy =>
        {
            proxy.ConnectTimeout = connect;
            proxy.DefaultRequestTimeout = read;
            proxy.PooledConnectionIdleTimeout = idle;
        };
    }

    private static void AddSource(IServiceCollection services, ConfigurationManager configuration, ControllerOptions options)
    {
        if (options.Manifests is not null)
        {
            services.AddManifestFolderSource(Path.GetFullPath(options.Manifests));
            return;
        }

        services.AddKubernetesSource(configuration.GetSection(KubernetesSourceOptions.SectionName), source =>
        {
            source.Kubeconfig = options.Kubeconfig;
            source.WatchNamespace = options.WatchNamespace;
        });
        // Status and Events only with a cluster: with --manifests every write is off.
        services.AddKubernetesWriters(configuration, options);
    }

    private static void Validate(ControllerOptions options)
    {
        if (options.Manifests is not null && !Directory.Exists(options.Manifests))
        {
            throw new StartupException($"--manifests: folder '{options.Manifests}' does not exist");
        }

        if (options.Kubeconfig is not null)
        {
            if (!File.Exists(options.Kubeconfig))
            {
                throw new StartupException($"--kubeconfig: file '{options.Kubeconfig}' does not exist");
            }

            try
            {
                _ = KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig);
            }
            catch (KubeConfigException exception)
            {
                throw new StartupException($"--kubeconfig: '{options.Kubeconfig}' cannot be used: {exception.Message}", exception);
            }
        }

        if (options.Manifests is null && options.Kubeconfig is null && !KubernetesClientConfiguration.IsInCluster())
        {
            throw new StartupException("not running in a cluster: pass --kubeconfig FILE, or --manifests DIR to run without one");
        }

        if (options.DefaultSslCertificate is { } secret && (secret.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]))
        {
            throw new StartupException($"--default-ssl-certificate must be NAMESPACE/NAME, not '{secret}'");
        }

        try
        {
            _ = options.ResolveBindAddress();
        }
        catch (FormatException exception)
        {
            throw new StartupException(exception.Message, exception);
        }
    }
}

/// <summary>The configuration cannot work; the message is for the operator.</summary>
public sealed class StartupException : Exception
{
    public StartupException()
    {
    }

    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
