using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// deploy/local/backends started the way deploy/local/run.sh starts it: <c>dotnet Plexus.LocalBackends.dll</c> as a child
/// process on its default ports (19001 HTTP/1.1, 19002 h2c, 19003 h2), which deploy/local/manifests point at.
/// </summary>
public sealed class LocalBackendsProcess : IAsyncDisposable
{
    public static readonly IReadOnlyList<int> Ports = [19001, 19002, 19003];

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private LocalBackendsProcess(Process process, ConcurrentQueue<string> output)
    {
        _process = process;
        _output = output;
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ingress.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Ingress.sln not found above " + AppContext.BaseDirectory);
    }

    public static async Task<LocalBackendsProcess> StartAsync()
    {
        var dll = BackendsDll();
        EnsurePortsFree();
        var output = new ConcurrentQueue<string>();
        var start = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList = { dll },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Collect(output, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var backends = new LocalBackendsProcess(process, output);
        try
        {
            await backends.WaitUntilServingAsync();
        }
        catch
        {
            await backends.DisposeAsync();
            throw;
        }

        return backends;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void Collect(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    // Built by the test project's reference to it, in the same configuration as the tests.
    private static string BackendsDll()
    {
        var configuration = typeof(LocalBackendsProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(RepositoryRoot(), "deploy", "local", "backends", "bin", configuration, "net10.0", "Plexus.LocalBackends.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build deploy/local/backends ({configuration}) first: {dll} is missing.", dll);
    }

    // The dotnet CLI tells child processes where it is; fall back to the one on PATH.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void EnsurePortsFree()
    {
        foreach (var port in Ports)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException exception)
            {
                throw new InvalidOperationException(
                    $"127.0.0.1:{port} is in use (is deploy/local/run.sh running?); the deploy/local example needs ports {string.Join(", ", Ports)}.",
                    exception);
            }
        }
    }

    private async Task WaitUntilServingAsync()
    {
        using var http1 = Client(HttpVersion.Version11);
        using var http2 = Client(HttpVersion.Version20);
        (HttpClient Client, string Url, string Name)[] checks =
        [
            (http1, "http://127.0.0.1:19001/", "local-h1"),
            (http2, "http://127.0.0.1:19002/", "local-h2c"),
            (http2, "https://127.0.0.1:19003/", "local-h2"),
        ];
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    if (_process.HasExited)
                    {
                        throw new InvalidOperationException($"Plexus.LocalBackends exited with {_process.ExitCode}: {Output()}");
                    }

                    foreach (var (client, url, name) in checks)
                    {
                        try
                        {
                            if (!(await client.GetStringAsync(new Uri(url))).StartsWith(name + ":", StringComparison.Ordinal))
                            {
                                return false;
                            }
                        }
                        catch (HttpRequestException)
                        {
                            return false;
                        }
                    }

                    return true;
                },
                because: "the three local backends answer");
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message}; output: {Output()}", exception);
        }
    }

    private string Output() => string.Join(Environment.NewLine, _output);

    private static HttpClient Client(Version version) =>
        new(new SocketsHttpHandler { UseProxy = false, SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        {
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(5),
        };
}
