using Plexus.Proxy.Telemetry;

namespace Plexus.Proxy.Tests.Telemetry;

public sealed class RequestLabelsTests
{
    [Theory]
    [InlineData("GET", "GET")]
    [InlineData("get", "GET")]
    [InlineData("HEAD", "HEAD")]
    [InlineData("POST", "POST")]
    [InlineData("PUT", "PUT")]
    [InlineData("DELETE", "DELETE")]
    [InlineData("PATCH", "PATCH")]
    [InlineData("OPTIONS", "OPTIONS")]
    [InlineData("CONNECT", "CONNECT")]
    [InlineData("TRACE", "TRACE")]
    [InlineData("PURGE", "OTHER")]
    [InlineData("PROPFIND", "OTHER")]
    [InlineData("X-ANYTHING-A-CLIENT-SENDS", "OTHER")]
    public void Methods_outside_the_standard_set_are_other(string method, string label) =>
        Assert.Equal(label, RequestLabels.Methods[RequestLabels.MethodIndex(method)]);

    [Theory]
    [InlineData(101, "1xx")]
    [InlineData(200, "2xx")]
    [InlineData(204, "2xx")]
    [InlineData(304, "3xx")]
    [InlineData(404, "4xx")]
    [InlineData(499, "4xx")]
    [InlineData(502, "5xx")]
    [InlineData(599, "5xx")]
    [InlineData(99, "5xx")]
    [InlineData(600, "5xx")]
    public void Status_codes_become_their_class(int status, string label) =>
        Assert.Equal(label, RequestLabels.StatusClasses[RequestLabels.StatusClassIndex(status)]);
}
