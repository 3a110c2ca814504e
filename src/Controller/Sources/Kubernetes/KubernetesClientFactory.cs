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

    public static IKubernetes Create(KubernetesSourceOptions options) =>
        new k8s.Kubernetes(CreateConfiguration(options), new ThreadPoolContinuationHandler());
}
