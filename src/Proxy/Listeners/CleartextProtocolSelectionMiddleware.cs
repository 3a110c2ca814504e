using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Plexus.Proxy.Listeners;

/// <summary>
/// Connection middleware for the plain port: peeks (without consuming) at the first bytes of a connection and,
/// when they are the HTTP/2 preface, makes Kestrel select HTTP/2 for it; anything else stays HTTP/1.1.
/// </summary>
/// <remarks>
/// Kestrel serves a cleartext Http1AndHttp2 endpoint as HTTP/1.1 only, because without ALPN it cannot know; it
/// selects HTTP/2 when the connection's TLS features report ALPN "h2". The work happens once per connection.
/// </remarks>
internal sealed class CleartextProtocolSelectionMiddleware(ConnectionDelegate next, TimeSpan detectionTimeout, ILogger logger)
{
    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var selection = await DetectAsync(connection);
        switch (selection)
        {
            case Selection.Http2:
                var feature = new CleartextHttp2ConnectionFeature();
                connection.Features.Set<ITlsConnectionFeature>(feature);
                connection.Features.Set<ITlsApplicationProtocolFeature>(feature);
                connection.Features.Set<ICleartextHttp2Feature>(feature);
                await next(connection);
                break;
            case Selection.Http1:
                await next(connection);
                break;
            case Selection.Closed:
                // Closed before sending a byte, or the server is shutting down: nothing to serve.
                break;
            case Selection.TimedOut:
                logger.LogDebug("Connection {ConnectionId} from {RemoteEndPoint} sent neither an HTTP/1.x request nor the HTTP/2 preface within {Timeout}; closing it", connection.ConnectionId, connection.RemoteEndPoint, detectionTimeout);
                connection.Abort(new ConnectionAbortedException("Neither an HTTP/1.x request nor the HTTP/2 preface arrived within the protocol detection timeout."));
                break;
        }
    }

    private async ValueTask<Selection> DetectAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;

        // Most clients have sent their first bytes by the time the connection is dispatched: no timer needed then.
        if (input.TryRead(out var first) && TryDecide(input, first, out var decided))
        {
            return decided;
        }

        // Kestrel asks every connection to close on shutdown; one still waiting for its first bytes must not hold
        // the shutdown up until the detection timeout.
        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(closing);
        cancel.CancelAfter(detectionTimeout);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancel.Token);
                if (TryDecide(input, result, out decided))
                {
                    return decided;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            return closing.IsCancellationRequested ? Selection.Closed : Selection.TimedOut;
        }
    }

    // Every read is paired with exactly one AdvanceTo that consumes nothing. When undecided, everything is marked
    // examined so the next read waits for new bytes; when decided, nothing is, so Kestrel's first read returns at
    // once with the bytes that are already buffered.
    private static bool TryDecide(PipeReader input, ReadResult result, out Selection selection)
    {
        var buffer = result.Buffer;
        var match = Http2Preface.Match(buffer);
        if (match == PrefaceMatch.NeedMoreData && !result.IsCompleted && !result.IsCanceled)
        {
            input.AdvanceTo(buffer.Start, buffer.End);
            selection = default;
            return false;
        }

        input.AdvanceTo(buffer.Start);
        selection = match switch
        {
            PrefaceMatch.Preface => Selection.Http2,
            _ when buffer.IsEmpty && result.IsCompleted => Selection.Closed,
            // A truncated preface followed by EOF goes to Kestrel's HTTP/1.1 parser, which rejects it.
            _ => Selection.Http1,
        };
        return true;
    }

    private enum Selection
    {
        Http1,
        Http2,
        Closed,
        TimedOut,
    }
}
