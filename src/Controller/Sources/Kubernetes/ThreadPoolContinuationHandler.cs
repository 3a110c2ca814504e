namespace Plexus.Controller.Sources.Kubernetes;

/// <summary>
/// Continues every Kubernetes API response on the thread pool. KubernetesClient reads the body of non-watch responses
/// with a synchronous <c>JsonSerializer.Deserialize(Stream)</c>; with socket completions inline
/// (<see cref="Hosting.RuntimeEnvironmentDefaults.InlineSocketCompletions"/>) that read would run on, and block, the
/// very epoll thread that has to deliver its data. The initial lists of a 10,000-Ingress cluster deadlocked that way (bench/scale.sh). On a pool
/// thread the synchronous read just waits for the data.
/// </summary>
internal sealed class ThreadPoolContinuationHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // Not ConfigureAwait(ForceYielding): that only yields when the task is already complete; a response that
        // arrives later still runs its continuation on the completing (epoll) thread. Task.Yield always queues.
        await Task.Yield();
        return response;
    }
}
