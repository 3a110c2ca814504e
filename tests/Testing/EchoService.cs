using Grpc.Core;
using Plexus.Testing.Grpc;

namespace Plexus.Testing;

/// <summary>The gRPC Echo service of the test backends; replies carry the protocol the backend saw, streams end with a trailer.</summary>
internal sealed class EchoService : Echo.EchoBase
{
    public const string TrailerName = "echo-trailer";

    public override Task<EchoReply> Say(EchoRequest request, ServerCallContext context)
    {
        context.ResponseTrailers.Add(TrailerName, "said");
        return Task.FromResult(new EchoReply { Text = request.Text, Protocol = context.GetHttpContext().Request.Protocol });
    }

    public override async Task Stream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var protocol = context.GetHttpContext().Request.Protocol;
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new EchoReply { Text = request.Text, Protocol = protocol, Index = i }, context.CancellationToken);
        }

        context.ResponseTrailers.Add(TrailerName, "streamed");
    }
}
