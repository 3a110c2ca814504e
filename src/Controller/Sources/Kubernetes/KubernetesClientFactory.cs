using k8s;

namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>Builds the API client from <see cref="KubernetesSourceOptions.Kubeconfig"/>: a kubeconfig file, else the in-cluster service account.</summary>
public static class KubernetesClientFactory
{
    public static KubernetesClientConfiguration CreateConfiguration(KubernetesSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Kubeconfig)
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig);
    }

    public static IKubernetes Create(KubernetesSourceOptions options) => Create(CreateConfiguration(options));

    /// <summary>
    /// The client every Plexus component uses: its responses continue on the thread pool, because KubernetesClient's
    /// synchronous body reads must not run on an epoll thread (see <see cref="ThreadPoolContinuationHandler"/>).
    /// </summary>
    public static k8s.Kubernetes Create(KubernetesClientConfiguration configuration) =>
        new(configuration, new ThreadPoolContinuationHandler());
}
