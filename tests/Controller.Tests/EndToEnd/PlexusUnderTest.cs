using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Hosting;
using Plexus.Proxy;
using Plexus.Proxy.Model;
using Plexus.Testing;

namespace Plexus.Controller.Tests.EndToEnd;

/// <summary>
/// The whole Plexus process (<see cref="PlexusApplication"/>) on 127.0.0.1 ephemeral ports, with one client per
/// downstream protocol and a plain client for the admin port.
/// </summary>
public sealed class PlexusUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<ClientProtocol, HttpClient> _clients;
    private readonly HttpClient _admin;

    private PlexusUnderTest(WebApplication app, PlexusEndpoints endpoints)
    {
        _app = app;
        Endpoints = endpoints;
        _clients = Enum.GetValues<ClientProtocol>().ToDictionary(p => p, p => ProxyClients.Create(p, endpoints));
        _admin = new HttpClient { BaseAddress = new Uri($"http://{endpoints.Admin}/") };
    }

    public PlexusEndpoints Endpoints { get; }

    /// <summary>The snapshot the proxy serves right now (swapped in whole, so a request after this read sees it or a newer one).</summary>
    public ProxySnapshot Snapshot => _app.Services.GetRequiredService<ISnapshotApplier>().Current;

    /// <summary>The endpoint ports the live snapshot has for a Service (all endpoints of these tests are on 127.0.0.1).</summary>
    public IReadOnlySet<int> EndpointPorts(string service) =>
        Snapshot.Clusters.Where(c => c.Origin?.Service == service).SelectMany(c => c.Endpoints).Select(e => e.Port).ToHashSet();

    /// <summary>Starts Plexus with these settings added to loopback, port-0 listeners. Does not wait for readiness.</summary>
    public static async Task<PlexusUnderTest> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Plexus:HttpPort"] = "0",
            ["Plexus:HttpsPort"] = "0",
            ["Plexus:AdminPort"] = "0",
            ["Plexus:BindAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var app = PlexusApplication.Create(all, builder => builder.Logging.ClearProviders());
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new PlexusUnderTest(app, app.Services.GetRequiredService<PlexusEndpoints>());
    }

    /// <summary>The client that talks to Plexus with <paramref name="protocol"/> (plain port for HTTP/1.1 and h2c, TLS port for h2).</summary>
    public HttpClient Client(ClientProtocol protocol) => _clients[protocol];

    /// <summary>GET through the proxy; the body is read whole.</summary>
    public async Task<ProxyResponse> GetAsync(string pathAndQuery, ClientProtocol protocol = ClientProtocol.Http11, string? host = null)
    {
        var client = Client(protocol);
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery)
        {
            // A hand-made request does not take the client's defaults.
            Version = client.DefaultRequestVersion,
            VersionPolicy = client.DefaultVersionPolicy,
        };
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var error = response.Headers.TryGetValues("X-Plexus-Error", out var values) ? string.Join(",", values) : null;
        return new ProxyResponse(response.StatusCode, body, error, response.Version);
    }

    /// <summary>The status code of an admin endpoint (/healthz, /readyz).</summary>
    public async Task<HttpStatusCode> AdminStatusAsync(string path)
    {
        using var response = await _admin.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>The JSON an admin endpoint answers (/api/snapshot, /api/dashboard).</summary>
    public async Task<System.Text.Json.JsonElement> AdminJsonAsync(string path)
    {
        using var document = System.Text.Json.JsonDocument.Parse(await _admin.GetStringAsync(new Uri(path, UriKind.Relative)));
        return document.RootElement.Clone();
    }

    public async Task WaitUntilReadyAsync() =>
        await Eventually.UntilAsync(async () => await AdminStatusAsync("/readyz") == HttpStatusCode.OK, because: "Plexus /readyz turns 200");

    /// <summary>Waits until a GET of <paramref name="path"/> gives a response that satisfies <paramref name="condition"/>; returns it.</summary>
    public async Task<ProxyResponse> WaitForAsync(string path, Func<ProxyResponse, bool> condition, string because, ClientProtocol protocol = ClientProtocol.Http11)
    {
        ProxyResponse? last = null;
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    last = await GetAsync(path, protocol);
                    return condition(last);
                },
                because: because);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message}; last response to {path}: {last}", exception);
        }

        return last!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>What a client got back from Plexus.</summary>
public sealed record ProxyResponse(HttpStatusCode Status, string Body, string? PlexusError, Version Version)
{
    public bool IsOk => Status == HttpStatusCode.OK;

    public bool IsNoRoute => Status == HttpStatusCode.NotFound && PlexusError == "no-route";
}
