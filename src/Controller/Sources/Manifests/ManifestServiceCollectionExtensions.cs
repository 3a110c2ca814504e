using Microsoft.Extensions.DependencyInjection;

namespace Plexus.Controller.Sources.Manifests;

public static class ManifestServiceCollectionExtensions
{
    /// <summary>
    /// Runs a <see cref="ManifestFolderSource"/> on <paramref name="directory"/> as a hosted service (<c>--manifests DIR</c>);
    /// it writes to the registered <see cref="Store.IResourceSink"/>. The host fails to start if the folder does not exist.
    /// </summary>
    public static IServiceCollection AddManifestFolderSource(this IServiceCollection services, string directory, Action<ManifestFolderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        services.AddOptions<ManifestFolderOptions>().Configure(options =>
        {
            options.Directory = directory;
            configure?.Invoke(options);
        });
        services.AddSingleton<ManifestProblems>();
        services.AddSingleton<ISourceDiagnostics>(sp => sp.GetRequiredService<ManifestProblems>());
        services.AddSingleton<ManifestFolderSource>();
        services.AddHostedService(sp => sp.GetRequiredService<ManifestFolderSource>());
        return services;
    }
}
