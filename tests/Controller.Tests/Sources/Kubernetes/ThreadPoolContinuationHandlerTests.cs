using Plexus.Controller.Sources.Kubernetes;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

public sealed class ThreadPoolContinuationHandlerTests
{
    [Fact]
    public async Task A_response_completed_by_another_thread_continues_on_the_thread_pool()
    {
        // The inner handler's response is completed by a dedicated (non-pool) thread, the way an inline socket completion
        // completes it on an epoll thread; what runs after the handler must not run on that thread.
        var pending = new TaskCompletionSource<HttpResponseMessage>();
        using var invoker = new HttpMessageInvoker(new ThreadPoolContinuationHandler { InnerHandler = new PendingHandler(pending) });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/");
        var sending = SendAndObserveAsync(invoker, request);
        int? completingThread = null;

        var completer = new Thread(() =>
        {
            completingThread = Environment.CurrentManagedThreadId;
            pending.SetResult(new HttpResponseMessage());
        });
        completer.Start();
        var (continuedOn, onPool) = await sending;
        completer.Join();

        Assert.True(onPool);
        Assert.NotEqual(completingThread, continuedOn);
    }

    /// <summary>Where the code right after the handler's response runs.</summary>
    private static async Task<(int Thread, bool OnPool)> SendAndObserveAsync(HttpMessageInvoker invoker, HttpRequestMessage request)
    {
        using var response = await invoker.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
        return (Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread);
    }

    private sealed class PendingHandler(TaskCompletionSource<HttpResponseMessage> response) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => response.Task;
    }
}
