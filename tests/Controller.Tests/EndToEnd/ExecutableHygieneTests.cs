using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Plexus.Controller.Tests.FakeApi;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// Parser policy that lives in the executable's runtimeconfig (not in code the in-process tests run): the shipped
/// binary rejects a request head with bare LF line endings on its traffic port, and still serves a CRLF one.
/// </summary>
public sealed partial class ExecutableHygieneTests
{
    [Fact]
    public async Task The_executable_rejects_bare_LF_line_endings_on_the_plain_port()
    {
        var manifests = Directory.CreateTempSubdirectory("plexus-hygiene-");
        var output = new ConcurrentQueue<string>();
        using var process = ControllerProcess.Start(output, "--manifests", manifests.FullName,
            "--http-port", "0", "--https-port", "0", "--admin-port", "0", "--bind-address", "127.0.0.1");
        try
        {
            // Kestrel lists its addresses in the order they were declared: the plain traffic port comes first.
            await Poll.UntilAsync(() => output.Any(l => l.Contains("Application started", StringComparison.Ordinal)) || process.HasExited, "the controller started", TimeSpan.FromSeconds(60));
            Assert.False(process.HasExited, string.Join('\n', output));
            var plainPort = output.Select(l => ListeningOn().Match(l)).First(m => m.Success).Groups["port"].Value;
            var port = int.Parse(plainPort, CultureInfo.InvariantCulture);

            Assert.Equal(400, await StatusAsync(port, "GET / HTTP/1.1\nHost: app.test\n\n"));
            Assert.Equal(404, await StatusAsync(port, "GET / HTTP/1.1\r\nHost: app.test\r\n\r\n")); // no route: served
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            manifests.Delete(recursive: true);
        }
    }

    private static async Task<int?> StatusAsync(int port, string request)
    {
        await using var connection = await RawHttp1Connection.ConnectAsync(port);
        await connection.SendAsync(request);
        return (await connection.ReadResponseAsync())?.Status;
    }

    [GeneratedRegex(@"Now listening on: http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningOn();
}
