using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;
using Plexus.Controller.Sources.Kubernetes;

namespace Plexus.Controller.Tests.Sources.Kubernetes;

public sealed class KubernetesApiErrorsTests
{
    public static TheoryData<string, Exception, bool> Failures => new()
    {
        { "connection refused", new HttpRequestException("Connection refused"), true },
        { "stream cut", new IOException("The response ended prematurely."), true },
        { "timed out", new TaskCanceledException("timeout"), true },
        { "wrapped transport error", new InvalidOperationException("outer", new HttpRequestException("reset")), true },
        { "500", Answered(HttpStatusCode.InternalServerError), true },
        { "503", Answered(HttpStatusCode.ServiceUnavailable), true },
        { "504", Answered(HttpStatusCode.GatewayTimeout), true },
        { "403", Answered(HttpStatusCode.Forbidden), false },
        { "404", Answered(HttpStatusCode.NotFound), false },
        { "410", Answered(HttpStatusCode.Gone), false },
        { "429", Answered(HttpStatusCode.TooManyRequests), false },
        { "ERROR event 410", new KubernetesException(new V1Status { Code = 410 }), false },
        { "ERROR event 500", new KubernetesException(new V1Status { Code = 500 }), true },
        { "unreadable event", new System.Text.Json.JsonException("bad line"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_a_missing_answer_or_a_5xx_may_mean_the_api_is_unavailable(string what, Exception failure, bool expected)
    {
        Assert.True(expected == KubernetesApiErrors.MayBeUnavailable(failure), what);
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_as_a_date()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(TimeSpan.FromSeconds(3), KubernetesApiErrors.RetryAfter(Answered(HttpStatusCode.TooManyRequests, ("Retry-After", "3")), time));
        Assert.Equal(TimeSpan.FromSeconds(3), KubernetesApiErrors.RetryAfter(Answered(HttpStatusCode.TooManyRequests, ("retry-after", "3")), time));
        Assert.Equal(TimeSpan.FromSeconds(90), KubernetesApiErrors.RetryAfter(Answered(HttpStatusCode.ServiceUnavailable, ("Retry-After", "Thu, 01 Jan 2026 00:01:30 GMT")), time));
        Assert.Equal(TimeSpan.Zero, KubernetesApiErrors.RetryAfter(Answered(HttpStatusCode.ServiceUnavailable, ("Retry-After", "Wed, 31 Dec 2025 23:00:00 GMT")), time));
        Assert.Null(KubernetesApiErrors.RetryAfter(Answered(HttpStatusCode.TooManyRequests, ("Retry-After", "soon")), time));
        Assert.Null(KubernetesApiErrors.RetryAfter(Answered(HttpStatusCode.TooManyRequests), time));
        Assert.Null(KubernetesApiErrors.RetryAfter(new HttpRequestException("Connection refused"), time));
    }

    private static HttpOperationException Answered(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        using var message = new HttpResponseMessage(status);
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return new HttpOperationException { Response = new HttpResponseMessageWrapper(message, "") };
    }
}
