using Microsoft.Extensions.DependencyInjection.Extensions;
using Plexus.Controller.Events;
using Plexus.Controller.Leadership;
using Plexus.Controller.Runtime;
using Plexus.Controller.Status;
using Plexus.Proxy;

namespace Plexus.Controller.Hosting;

/// <summary>Registration of graceful shutdown, leader election, the Ingress status writer and the Event recorder.</summary>
public static class WritersServiceCollectionExtensions
{
    /// <summary>Drain on shutdown; sets the host's shutdown timeout to drain delay + shutdown timeout.</summary>
    public static IServiceCollection AddGracefulShutdown(this IServiceCollection services, ControllerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var drain = new DrainOptions
        {
            DrainDelay = DurationFlag.Parse(options.DrainDelay, "--drain-delay", TimeSpan.FromSeconds(5)),
            ShutdownTimeout = DurationFlag.Parse(options.ShutdownTimeout, "--shutdown-timeout", TimeSpan.FromSeconds(30)),
        };
        services.Configure<DrainOptions>(d =>
        {
            d.DrainDelay = drain.DrainDelay;
            d.ShutdownTimeout = drain.ShutdownTimeout;
        });
        services.Configure<HostOptions>(host => host.ShutdownTimeout = drain.DrainDelay + drain.ShutdownTimeout);
        services.TryAddKeyedSingleton(DrainOptions.ClockKey, TimeProvider.System);
        services.AddHostedService<DrainService>();
        return services;
    }

    /// <summary>
    /// Kubernetes mode: leader election, and (leader only) Events for diagnostics and, when an address source is
    /// configured, Ingress status. Call after AddPlexusProxy: the proxy's <see cref="ISnapshotApplier"/> is wrapped so
    /// that the writers see every applied snapshot.
    /// </summary>
    public static IServiceCollection AddKubernetesWriters(this IServiceCollection services, IConfiguration configuration, ControllerOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var status = new IngressStatusOptions();
        configuration.GetSection(IngressStatusOptions.SectionName).Bind(status);
        status.PublishService = options.PublishService;
        status.PublishAddress = options.PublishAddress;
        status.UpdateStatusOnShutdown = options.UpdateStatusOnShutdown;
        status.IngressClass = options.IngressClass;
        try
        {
            status.Validate();
        }
        catch (FormatException exception)
        {
            throw new StartupException(exception.Message, exception);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<LeaderElectionOptions>()
            .Bind(configuration.GetSection(LeaderElectionOptions.SectionName))
            .Configure(election =>
            {
                election.Namespace = options.ElectionNamespace ?? election.Namespace;
                election.LeaseName = options.ElectionId ?? election.LeaseName;
            });
        services.AddSingleton<LeaseLeadership>();
        services.AddSingleton<ILeadership>(sp => sp.GetRequiredService<LeaseLeadership>());
        // Registered before the writers: the host stops services in reverse order, so the writers (and the status
        // clearing on shutdown) finish while this replica still holds the Lease.
        services.AddHostedService(sp => sp.GetRequiredService<LeaseLeadership>());

        services.AddOptions<EventOptions>().Bind(configuration.GetSection(EventOptions.SectionName));
        services.AddSingleton<DiagnosticEventWriter>();
        services.AddSingleton<IAppliedSnapshotObserver>(sp => sp.GetRequiredService<DiagnosticEventWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<DiagnosticEventWriter>());

        if (status.IsEnabled)
        {
            services.AddSingleton(Microsoft.Extensions.Options.Options.Create(status));
            services.AddSingleton<IngressStatusWriter>();
            services.AddSingleton<IAppliedSnapshotObserver>(sp => sp.GetRequiredService<IngressStatusWriter>());
            services.AddHostedService(sp => sp.GetRequiredService<IngressStatusWriter>());
        }

        ObserveAppliedSnapshots(services);
        return services;
    }

    private static void ObserveAppliedSnapshots(IServiceCollection services)
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(ISnapshotApplier) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("AddKubernetesWriters must come after AddPlexusProxy.");
        services.Remove(original);
        services.AddSingleton<ISnapshotApplier>(sp => new ObservedSnapshotApplier(
            Resolve(original, sp),
            sp.GetRequiredService<Store.ResourceStore>(),
            sp.GetServices<IAppliedSnapshotObserver>()));
    }

    private static ISnapshotApplier Resolve(ServiceDescriptor descriptor, IServiceProvider services) =>
        (ISnapshotApplier)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
