using System.Net;
using Plexus.Testing;

namespace Plexus.Proxy.Tests.Forwarding;

/// <summary>The shared backends speak what their kind says (the platform facts the forwarding tests rely on).</summary>
public sealed class TestBackendTests(ForwardingFixture fixture) : IClassFixture<ForwardingFixture>
{
    [Theory]
    [InlineData(TestBackendKind.Http1, "HTTP/1.1")]
    [InlineData(TestBackendKind.H2c, "HTTP/2")]
    [InlineData(TestBackendKind.Http1AndHttp2Cleartext, "HTTP/1.1")]
    [InlineData(TestBackendKind.TlsH2, "HTTP/2")]
    [InlineData(TestBackendKind.TlsHttp1AndHttp2, "HTTP/2")]
    [InlineData(TestBackendKind.TlsHttp1, "HTTP/1.1")]
    public async Task Direct_client_reaches_each_kind_with_its_protocol(TestBackendKind kind, string protocol)
    {
        var backend = fixture[kind];
        using var client = backend.CreateClient();
        var path = $"/direct/{Guid.NewGuid():N}";

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(protocol, Assert.Single(backend.RequestsFor(path)).Protocol);
    }

    [Theory]
    [InlineData(TestBackendKind.Http1)]
    [InlineData(TestBackendKind.Http1AndHttp2Cleartext)]
    public async Task Cleartext_http1_kinds_refuse_h2c_prior_knowledge(TestBackendKind kind)
    {
        var backend = fixture[kind];
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(backend.BaseAddress, "/h2c"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(request));
    }

    [Fact]
    public async Task Upload_counts_the_body_and_download_streams_the_requested_size()
    {
        var backend = fixture[TestBackendKind.H2c];
        using var client = backend.CreateClient();

        using var upload = await client.PostAsync("/upload", new ByteArrayContent(new byte[123_456]));
        var download = await client.GetByteArrayAsync("/download/654321");

        Assert.Equal("123456", await upload.Content.ReadAsStringAsync());
        Assert.Equal(654_321, download.Length);
    }
}
