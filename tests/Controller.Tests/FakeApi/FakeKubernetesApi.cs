using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Plexus.Controller.Tests.FakeApi;

/// <summary>
/// A Kubernetes API server for tests: Kestrel on 127.0.0.1, real paths and JSON (serialised with the client's own
/// <see cref="KubernetesJson"/>), one global increasing resourceVersion, list (with limit/continue), watch streams
/// with a bounded history, 410 Gone, bookmarks, timeoutSeconds, and single-object get/create/update/patch/delete
/// including the status subresource and resourceVersion conflicts (409). Test hooks change objects, drop watches,
/// compact the history, refuse requests (one by one, or every request during an outage), refuse connections, expire
/// continue tokens, keep watches open and silent, and count what was asked.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private WebApplication? _app;
    private readonly int _historyCapacity;
    private readonly Dictionary<(FakeResource Resource, string Namespace, string Name), JsonObject> _objects = [];
    private readonly LinkedList<HistoryEntry> _history = new();
    private readonly List<WatchStream> _watches = [];
    private readonly Dictionary<(FakeResource Resource, string Verb), Queue<(HttpStatusCode Status, TimeSpan? RetryAfter)>> _refusals = [];
    private readonly HashSet<FakeResource> _silenced = [];
    private readonly Dictionary<string, (long ResourceVersion, List<JsonObject> Remaining)> _continuations = [];
    private readonly ConcurrentQueue<FakeApiRequest> _requests = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _resourceVersion = 100;
    private long _compactedResourceVersion;
    private int _continuationSeq;
    private Task _bookmarks = Task.CompletedTask;
    private CancellationTokenSource _connections = new();
    private (HttpStatusCode Status, TimeSpan? RetryAfter)? _outage;

    private FakeKubernetesApi(int historyCapacity)
    {
        _historyCapacity = historyCapacity;
    }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<FakeApiRequest> Requests => [.. _requests];

    /// <summary>The current (last issued) resourceVersion.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _resourceVersion;
            }
        }
    }

    /// <param name="historyCapacity">How many events are kept for watches to resume from; older resourceVersions get 410 Gone.</param>
    /// <param name="bookmarkInterval">When set, every open watch that allowed bookmarks gets one this often, as the real server sends them periodically.</param>
    public static async Task<FakeKubernetesApi> StartAsync(int historyCapacity = 1000, TimeSpan? bookmarkInterval = null)
    {
        var api = new FakeKubernetesApi(historyCapacity);
        api._app = await api.ListenAsync(0);
        var address = api._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api.BaseAddress = new Uri(address);
        if (bookmarkInterval is { } interval)
        {
            api._bookmarks = api.SendBookmarksPeriodicallyAsync(interval);
        }

        return api;
    }

    /// <summary>
    /// Closes the listening socket, as an API server that is down: new connections are refused, open watches and
    /// pooled connections are cut. Objects can still be changed through the test hooks meanwhile.
    /// </summary>
    public async Task RefuseConnectionsAsync()
    {
        var app = _app ?? throw new InvalidOperationException("Connections are refused already.");
        _app = null;
        await _connections.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
    }

    /// <summary>Listens again on the same port after <see cref="RefuseConnectionsAsync"/>.</summary>
    public async Task AcceptConnectionsAsync()
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("Connections are accepted already.");
        }

        _connections.Dispose();
        _connections = new CancellationTokenSource();
        _app = await ListenAsync(BaseAddress.Port);
    }

    /// <summary>
    /// Answers every request with this status (and Retry-After, when given) until <see cref="EndOutage"/>, as an API
    /// server behind a load balancer with no healthy backend, or without its storage. Open watches are not touched.
    /// </summary>
    public void BeginOutage(HttpStatusCode status = HttpStatusCode.ServiceUnavailable, TimeSpan? retryAfter = null)
    {
        lock (_lock)
        {
            _outage = (status, retryAfter);
        }
    }

    public void EndOutage()
    {
        lock (_lock)
        {
            _outage = null;
        }
    }

    /// <summary>A real KubernetesClient pointed at this server.</summary>
    public k8s.Kubernetes CreateClient() => new(new KubernetesClientConfiguration { Host = BaseAddress.ToString() });

    // ---- test hooks: objects ------------------------------------------------------------------------------------

    /// <summary>Creates an object (ADDED event). Returns it as stored (resourceVersion, uid, creationTimestamp set).</summary>
    public T Create<T>(T obj) where T : IKubernetesObject<V1ObjectMeta>
    {
        var resource = FakeResources.ForType(typeof(T));
        var node = ToNode(obj);
        lock (_lock)
        {
            var (status, result) = CreateLocked(resource, Meta(node)["namespace"]?.GetValue<string>(), node);
            return status == HttpStatusCode.Created ? FromNode<T>(result) : throw new InvalidOperationException(result.ToJsonString());
        }
    }

    /// <summary>Replaces an existing object unconditionally (MODIFIED event).</summary>
    public T Update<T>(T obj) where T : IKubernetesObject<V1ObjectMeta>
    {
        var resource = FakeResources.ForType(typeof(T));
        var node = ToNode(obj);
        Meta(node).Remove("resourceVersion");
        lock (_lock)
        {
            var (status, result) = UpdateLocked(resource, Meta(node)["namespace"]?.GetValue<string>(), obj.Metadata.Name, null, node);
            return status == HttpStatusCode.OK ? FromNode<T>(result) : throw new InvalidOperationException(result.ToJsonString());
        }
    }

    /// <summary>Deletes an object (DELETED event).</summary>
    public void Delete<T>(string? ns, string name) where T : IKubernetesObject<V1ObjectMeta>
    {
        var resource = FakeResources.ForType(typeof(T));
        lock (_lock)
        {
            var (status, result) = DeleteLocked(resource, ns, name);
            if (status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException(result.ToJsonString());
            }
        }
    }

    /// <summary>The stored object, or null.</summary>
    public T? Get<T>(string? ns, string name) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var resource = FakeResources.ForType(typeof(T));
        lock (_lock)
        {
            return _objects.TryGetValue(Key(resource, ns, name), out var node) ? FromNode<T>(node) : null;
        }
    }

    /// <summary>All stored objects of a type.</summary>
    public IReadOnlyList<T> GetAll<T>() where T : IKubernetesObject<V1ObjectMeta>
    {
        var resource = FakeResources.ForType(typeof(T));
        lock (_lock)
        {
            return [.. _objects.Where(e => e.Key.Resource == resource).Select(e => FromNode<T>(e.Value))];
        }
    }

    // ---- test hooks: watches ------------------------------------------------------------------------------------

    /// <summary>Sends a BOOKMARK with the current resourceVersion on every open watch that allowed bookmarks (optionally only of one resource). Returns that resourceVersion.</summary>
    public string SendBookmarks(FakeResource? resource = null)
    {
        lock (_lock)
        {
            var rv = _resourceVersion.ToString(CultureInfo.InvariantCulture);
            foreach (var watch in _watches.Where(w => w.AllowBookmarks && (resource is null || w.Resource == resource)))
            {
                var obj = new JsonObject { ["kind"] = watch.Resource.Kind, ["apiVersion"] = watch.Resource.ApiVersion, ["metadata"] = new JsonObject { ["resourceVersion"] = rv } };
                watch.Lines.Writer.TryWrite(EventLine("BOOKMARK", obj));
            }

            return rv;
        }
    }

    /// <summary>Aborts the connection of every open watch (optionally only of one resource), as a network failure would.</summary>
    public int DropWatches(FakeResource? resource = null)
    {
        List<WatchStream> dropped;
        lock (_lock)
        {
            dropped = [.. _watches.Where(w => resource is null || w.Resource == resource)];
            foreach (var watch in dropped)
            {
                _watches.Remove(watch);
            }
        }

        foreach (var watch in dropped)
        {
            watch.Drop();
        }

        return dropped.Count;
    }

    /// <summary>
    /// Ends every open watch (optionally only of one resource) with an ERROR event carrying a Status of this code, then a
    /// normal end of stream, as the real server does when a watcher falls too far behind (410) or fails internally.
    /// </summary>
    public int EndWatchesWithError(FakeResource? resource = null, HttpStatusCode code = HttpStatusCode.Gone)
    {
        lock (_lock)
        {
            var ended = _watches.Where(w => resource is null || w.Resource == resource).ToList();
            var (_, status) = StatusBody(code, code == HttpStatusCode.Gone ? "Expired" : "InternalError", $"watch ended by test ({(int)code})");
            foreach (var watch in ended)
            {
                _watches.Remove(watch);
                watch.Lines.Writer.TryWrite(EventLine("ERROR", status));
                watch.Lines.Writer.TryComplete();
            }

            return ended.Count;
        }
    }

    /// <summary>Forgets the event history: a watch resuming from any older resourceVersion gets 410 Gone.</summary>
    public void CompactHistory()
    {
        lock (_lock)
        {
            _history.Clear();
            _compactedResourceVersion = _resourceVersion;
        }
    }

    /// <summary>
    /// Answers the next <paramref name="count"/> requests with this verb ("list", "watch", ...) on the resource with an
    /// error status; with <paramref name="retryAfter"/>, also a Retry-After header (whole seconds) and the Status'
    /// <c>details.retryAfterSeconds</c>, as the real server sends with 429.
    /// </summary>
    public void Refuse(FakeResource resource, string verb, int count, HttpStatusCode status = HttpStatusCode.InternalServerError, TimeSpan? retryAfter = null)
    {
        lock (_lock)
        {
            if (!_refusals.TryGetValue((resource, verb), out var queue))
            {
                _refusals[(resource, verb)] = queue = new Queue<(HttpStatusCode, TimeSpan?)>();
            }

            for (var i = 0; i < count; i++)
            {
                queue.Enqueue((status, retryAfter));
            }
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> list requests on the resource that carry a continue token get 410 Expired, as
    /// the real server answers a token older than its compaction window. (Recorded as verb "list".)
    /// </summary>
    public void ExpireContinueTokens(FakeResource resource, int count) => Refuse(resource, ContinueVerb, count, HttpStatusCode.Gone);

    /// <summary>
    /// Watches of the resource opened from now on stay open and silent: no event, no bookmark, and timeoutSeconds is
    /// ignored, as a half-open connection or a stalled server. Lists still work. <see cref="DropWatches"/> also ends them.
    /// </summary>
    public void SilenceWatches(FakeResource resource)
    {
        lock (_lock)
        {
            _silenced.Add(resource);
        }
    }

    /// <summary>Silent watches currently open on a resource.</summary>
    public int OpenSilentWatches(FakeResource resource)
    {
        lock (_lock)
        {
            return _watches.Count(w => w.Resource == resource && w.Silent);
        }
    }

    /// <summary>Forgets the refusals not used up yet.</summary>
    public void ClearRefusals()
    {
        lock (_lock)
        {
            _refusals.Clear();
        }
    }

    /// <summary>Watches currently open on a resource (silent ones included).</summary>
    public int OpenWatches(FakeResource resource)
    {
        lock (_lock)
        {
            return _watches.Count(w => w.Resource == resource);
        }
    }

    public int CountRequests(FakeResource resource, string verb) => _requests.Count(r => r.Resource == resource && r.Verb == verb);

    public IReadOnlyList<FakeApiRequest> RequestsFor(FakeResource resource, string verb) => [.. _requests.Where(r => r.Resource == resource && r.Verb == verb)];

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _bookmarks;
        DropWatches();
        if (_app is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _connections.Dispose();
        _stopping.Dispose();
    }

    private async Task SendBookmarksPeriodicallyAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                SendBookmarks();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    private const string ContinueVerb = "list with continue";

    private async Task<WebApplication> ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync();
        return app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var route = ParsePath(context.Request.Path.Value ?? "");
        if (route is null)
        {
            await WriteStatusAsync(context, HttpStatusCode.NotFound, "NotFound", $"the fake API server does not serve {context.Request.Path}");
            return;
        }

        var (resource, ns, name, subresource) = route.Value;
        var query = context.Request.Query;
        var watch = query["watch"] is var w && (w == "true" || w == "1");
        var method = context.Request.Method;
        var verb = (method, name, watch) switch
        {
            ("GET", null, true) => "watch",
            ("GET", null, false) => "list",
            ("GET", _, _) => "get",
            ("POST", null, _) => "create",
            ("PUT", not null, _) => "update",
            ("PATCH", not null, _) => "patch",
            ("DELETE", not null, _) => "delete",
            _ => null,
        };
        if (verb is null)
        {
            await WriteStatusAsync(context, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{method} is not supported on {context.Request.Path}");
            return;
        }

        _requests.Enqueue(new FakeApiRequest(
            verb, resource, ns, name, subresource,
            NullIfEmpty(query["resourceVersion"]), NullIfEmpty(query["fieldSelector"]), NullIfEmpty(query["labelSelector"]),
            query["allowWatchBookmarks"] == "true",
            int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var t) ? t : null,
            int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? l : null,
            NullIfEmpty(query["continue"])));

        (HttpStatusCode Status, TimeSpan? RetryAfter)? refusal = null;
        lock (_lock)
        {
            var continued = verb == "list" && NullIfEmpty(query["continue"]) is not null;
            if (_outage is { } outage)
            {
                refusal = outage;
            }
            else if (continued && _refusals.TryGetValue((resource, ContinueVerb), out var expired) && expired.Count > 0)
            {
                refusal = expired.Dequeue();
            }
            else if (_refusals.TryGetValue((resource, verb), out var queue) && queue.Count > 0)
            {
                refusal = queue.Dequeue();
            }
        }

        if (refusal is var (code, retryAfter))
        {
            var (_, status) = StatusBody(code, ReasonFor(code), $"refused by test ({(int)code})");
            if (retryAfter is { } delay)
            {
                var seconds = (int)Math.Ceiling(delay.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                status["details"] = new JsonObject { ["retryAfterSeconds"] = seconds };
            }

            await WriteJsonAsync(context, code, status.ToJsonString());
            return;
        }

        if (NullIfEmpty(query["labelSelector"]) is not null)
        {
            await WriteStatusAsync(context, HttpStatusCode.BadRequest, "BadRequest", "labelSelector is not implemented by the fake API server");
            return;
        }

        FieldSelector selector;
        try
        {
            selector = FieldSelector.Parse(query["fieldSelector"]);
        }
        catch (FormatException ex)
        {
            await WriteStatusAsync(context, HttpStatusCode.BadRequest, "BadRequest", ex.Message);
            return;
        }

        switch (verb)
        {
            case "watch":
                await WatchAsync(context, resource, ns, selector);
                return;
            case "list":
                await ListAsync(context, resource, ns, selector);
                return;
        }

        (HttpStatusCode Status, JsonObject Body) result;
        if (verb == "get")
        {
            string json;
            lock (_lock)
            {
                result = _objects.TryGetValue(Key(resource, ns, name!), out var found) ? (HttpStatusCode.OK, found) : NotFound(resource, name!);
                json = result.Body.ToJsonString();
            }

            await WriteJsonAsync(context, result.Status, json);
            return;
        }

        if (verb == "delete")
        {
            lock (_lock)
            {
                result = DeleteLocked(resource, ns, name!);
            }

            await WriteJsonAsync(context, result.Status, result.Body.ToJsonString());
            return;
        }

        JsonObject body;
        try
        {
            body = JsonNode.Parse(await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted)) as JsonObject
                ?? throw new FormatException("request body is not a JSON object");
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException)
        {
            await WriteStatusAsync(context, HttpStatusCode.BadRequest, "BadRequest", ex.Message);
            return;
        }

        if (verb == "patch")
        {
            var contentType = context.Request.ContentType ?? "";
            if (!contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal)
                && !contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal))
            {
                await WriteStatusAsync(context, HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the fake API server supports merge patches only, not {contentType}");
                return;
            }
        }

        lock (_lock)
        {
            result = verb switch
            {
                "create" => CreateLocked(resource, ns, body),
                "update" => UpdateLocked(resource, ns, name!, subresource, body),
                _ => PatchLocked(resource, ns, name!, subresource, body),
            };
        }

        await WriteJsonAsync(context, result.Status, result.Body.ToJsonString());
    }

    private async Task ListAsync(HttpContext context, FakeResource resource, string? ns, FieldSelector selector)
    {
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) && l > 0 ? l : int.MaxValue;
        long rv;
        List<JsonObject> items;
        string? next = null;
        lock (_lock)
        {
            if (NullIfEmpty(query["continue"]) is { } token)
            {
                if (!_continuations.Remove(token, out var continuation))
                {
                    rv = -1;
                    items = [];
                }
                else
                {
                    (rv, items) = continuation;
                }
            }
            else
            {
                rv = _resourceVersion;
                items = [.. _objects
                    .Where(e => e.Key.Resource == resource && (ns is null || e.Key.Namespace == ns) && selector.Matches(e.Value))
                    .OrderBy(e => e.Key.Namespace, StringComparer.Ordinal).ThenBy(e => e.Key.Name, StringComparer.Ordinal)
                    .Select(e => e.Value)];
            }

            if (items.Count > limit)
            {
                next = "c" + (++_continuationSeq).ToString(CultureInfo.InvariantCulture);
                _continuations[next] = (rv, items[limit..]);
                items = items[..limit];
            }

            // JsonNode is not safe for concurrent readers: copy while no one else touches the stored objects.
            items = [.. items.Select(i => i.DeepClone().AsObject())];
        }

        if (rv < 0)
        {
            await WriteStatusAsync(context, HttpStatusCode.Gone, "Expired", "the continue token is unknown or expired");
            return;
        }

        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (next is not null)
        {
            meta["continue"] = next;
        }

        // Like the real server, list items carry no kind/apiVersion of their own.
        var array = new JsonArray();
        foreach (var item in items)
        {
            item.Remove("kind");
            item.Remove("apiVersion");
            array.Add(item);
        }

        var list = new JsonObject { ["kind"] = resource.ListKind, ["apiVersion"] = resource.ApiVersion, ["metadata"] = meta, ["items"] = array };
        await WriteJsonAsync(context, HttpStatusCode.OK, list.ToJsonString());
    }

    private async Task WatchAsync(HttpContext context, FakeResource resource, string? ns, FieldSelector selector)
    {
        var query = context.Request.Query;
        var requested = NullIfEmpty(query["resourceVersion"]);
        var initial = new List<string>();
        var gone = false;
        var connections = _connections.Token;
        WatchStream watch;
        lock (_lock)
        {
            watch = new WatchStream(resource, ns, selector, query["allowWatchBookmarks"] == "true", _silenced.Contains(resource));
            if (watch.Silent)
            {
                // Nothing is sent: neither history nor events nor bookmarks.
            }
            else if (requested is null or "0")
            {
                // "Any" resourceVersion: the current state as synthetic ADDED events, then changes.
                initial.AddRange(_objects.Where(e => watch.Matches(e.Key.Resource, e.Key.Namespace, e.Value)).Select(e => EventLine("ADDED", e.Value)));
            }
            else if (!long.TryParse(requested, CultureInfo.InvariantCulture, out var from) || from < _compactedResourceVersion)
            {
                gone = true;
            }
            else
            {
                initial.AddRange(_history.Where(h => h.ResourceVersion > from && watch.Matches(h.Resource, h.Namespace, h.Object)).Select(h => h.Line));
            }

            if (!gone)
            {
                _watches.Add(watch);
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        try
        {
            if (gone)
            {
                // The real server accepts the watch and then reports the expired resourceVersion as an ERROR event.
                var (_, status) = StatusBody(HttpStatusCode.Gone, "Expired", $"too old resource version: {requested} ({_compactedResourceVersion})");
                await context.Response.WriteAsync(EventLine("ERROR", status), context.RequestAborted);
                return;
            }

            foreach (var line in initial)
            {
                await context.Response.WriteAsync(line, context.RequestAborted);
            }

            await context.Response.Body.FlushAsync(context.RequestAborted);

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token, watch.Dropped, connections);
            if (!watch.Silent && int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var timeoutSeconds) && timeoutSeconds > 0)
            {
                cts.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
            }

            try
            {
                await foreach (var line in watch.Lines.Reader.ReadAllAsync(cts.Token))
                {
                    await context.Response.WriteAsync(line, cts.Token);
                    await context.Response.Body.FlushAsync(cts.Token);
                }
            }
            catch (OperationCanceledException) when (watch.Dropped.IsCancellationRequested || connections.IsCancellationRequested)
            {
                // Like a network failure: the connection goes away without the end of the chunked body.
                context.Abort();
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                // timeoutSeconds elapsed or the server stops: end the stream normally.
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the test dropped the connection.
        }
        finally
        {
            lock (_lock)
            {
                _watches.Remove(watch);
            }

            watch.Dispose();
        }
    }

    // ---- storage (callers hold _lock) ---------------------------------------------------------------------------

    private (HttpStatusCode, JsonObject) CreateLocked(FakeResource resource, string? ns, JsonObject body)
    {
        var meta = Meta(body);
        var name = meta["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) && meta["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
        {
            name = prefix + Guid.NewGuid().ToString("N")[..5];
            meta["name"] = name;
        }

        if (string.IsNullOrEmpty(name))
        {
            return StatusBody(HttpStatusCode.UnprocessableEntity, "Invalid", "metadata.name is required");
        }

        ns = resource.Namespaced ? ns ?? meta["namespace"]?.GetValue<string>() ?? "default" : null;
        var key = Key(resource, ns, name);
        if (_objects.ContainsKey(key))
        {
            return StatusBody(HttpStatusCode.Conflict, "AlreadyExists", $"{resource} \"{name}\" already exists");
        }

        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return (HttpStatusCode.Created, Store(resource, ns, name, body, "ADDED"));
    }

    private (HttpStatusCode, JsonObject) UpdateLocked(FakeResource resource, string? ns, string name, string? subresource, JsonObject body)
    {
        var key = Key(resource, ns, name);
        if (!_objects.TryGetValue(key, out var current))
        {
            return NotFound(resource, name);
        }

        if (Meta(body)["resourceVersion"]?.GetValue<string>() is { Length: > 0 } expected && expected != Meta(current)["resourceVersion"]!.GetValue<string>())
        {
            return Conflict(resource, name);
        }

        JsonObject updated;
        if (subresource == "status")
        {
            updated = current.DeepClone().AsObject();
            updated["status"] = body["status"]?.DeepClone();
        }
        else
        {
            // The status subresource is separate: a main-resource update keeps the stored status, as the real server does.
            updated = body;
            updated.Remove("status");
            if (current["status"] is { } status)
            {
                updated["status"] = status.DeepClone();
            }

            Meta(updated)["uid"] = Meta(current)["uid"]?.DeepClone();
            Meta(updated)["creationTimestamp"] = Meta(current)["creationTimestamp"]?.DeepClone();
        }

        return (HttpStatusCode.OK, Store(resource, key.Namespace.Length == 0 ? null : key.Namespace, name, updated, "MODIFIED"));
    }

    private (HttpStatusCode, JsonObject) PatchLocked(FakeResource resource, string? ns, string name, string? subresource, JsonObject patch)
    {
        var key = Key(resource, ns, name);
        if (!_objects.TryGetValue(key, out var current))
        {
            return NotFound(resource, name);
        }

        if (patch["metadata"] is JsonObject pm && pm["resourceVersion"]?.GetValue<string>() is { Length: > 0 } expected && expected != Meta(current)["resourceVersion"]!.GetValue<string>())
        {
            return Conflict(resource, name);
        }

        if (subresource == "status")
        {
            patch = new JsonObject { ["status"] = patch["status"]?.DeepClone() };
        }
        else
        {
            patch.Remove("status");
        }

        var updated = MergePatch(current.DeepClone(), patch)!.AsObject();
        return (HttpStatusCode.OK, Store(resource, key.Namespace.Length == 0 ? null : key.Namespace, name, updated, "MODIFIED"));
    }

    private (HttpStatusCode, JsonObject) DeleteLocked(FakeResource resource, string? ns, string name)
    {
        var key = Key(resource, ns, name);
        if (!_objects.TryGetValue(key, out var current))
        {
            return NotFound(resource, name);
        }

        _objects.Remove(key);
        var rv = ++_resourceVersion;
        var deleted = current.DeepClone().AsObject();
        Meta(deleted)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        Record(resource, key.Namespace, rv, "DELETED", deleted);
        return (HttpStatusCode.OK, deleted);
    }

    private JsonObject Store(FakeResource resource, string? ns, string name, JsonObject obj, string type)
    {
        var rv = ++_resourceVersion;
        obj["kind"] = resource.Kind;
        obj["apiVersion"] = resource.ApiVersion;
        var meta = Meta(obj);
        meta["name"] = name;
        if (ns is null)
        {
            meta.Remove("namespace");
        }
        else
        {
            meta["namespace"] = ns;
        }

        meta["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        _objects[Key(resource, ns, name)] = obj;
        Record(resource, ns ?? "", rv, type, obj);
        return obj.DeepClone().AsObject();
    }

    private void Record(FakeResource resource, string ns, long rv, string type, JsonObject obj)
    {
        var line = EventLine(type, obj);
        var snapshot = obj.DeepClone().AsObject();
        _history.AddLast(new HistoryEntry(rv, resource, ns, snapshot, line));
        while (_history.Count > _historyCapacity)
        {
            _compactedResourceVersion = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var watch in _watches)
        {
            if (watch.Matches(resource, ns, snapshot))
            {
                watch.Lines.Writer.TryWrite(line);
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static (FakeResource Resource, string? Namespace, string? Name, string? Subresource)? ParsePath(string path)
    {
        var segments = path.Trim('/').Split('/');
        string group, version;
        int rest;
        if (segments is ["api", var v, ..])
        {
            (group, version, rest) = ("", v, 2);
        }
        else if (segments is ["apis", var g, var v2, ..])
        {
            (group, version, rest) = (g, v2, 3);
        }
        else
        {
            return null;
        }

        var tail = segments[rest..];
        string? ns = null;
        if (tail is ["namespaces", var n, _, ..])
        {
            ns = n;
            tail = tail[2..];
        }

        if (tail.Length is < 1 or > 3)
        {
            return null;
        }

        var resource = FakeResources.Find(group, version, tail[0]);
        if (resource is null || (ns is not null && !resource.Namespaced))
        {
            return null;
        }

        var name = tail.Length > 1 ? tail[1] : null;
        var subresource = tail.Length > 2 ? tail[2] : null;
        if (subresource is not null and not "status")
        {
            return null;
        }

        // A single namespaced object must be addressed through its namespace.
        if (name is not null && resource.Namespaced && ns is null)
        {
            return null;
        }

        return (resource, ns, name, subresource);
    }

    private static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = MergePatch(result[name]?.DeepClone(), value);
            }
        }

        return result;
    }

    private static (FakeResource Resource, string Namespace, string Name) Key(FakeResource resource, string? ns, string name) => (resource, resource.Namespaced ? ns ?? "" : "", name);

    private static JsonObject Meta(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            obj["metadata"] = meta = [];
        }

        return meta;
    }

    private static JsonObject ToNode<T>(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    private static T FromNode<T>(JsonObject node) => KubernetesJson.Deserialize<T>(node.ToJsonString());

    private static string EventLine(string type, JsonObject obj) => $"{{\"type\":\"{type}\",\"object\":{obj.ToJsonString()}}}\n";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static (HttpStatusCode, JsonObject) NotFound(FakeResource resource, string name) =>
        StatusBody(HttpStatusCode.NotFound, "NotFound", $"{resource} \"{name}\" not found");

    private static (HttpStatusCode, JsonObject) Conflict(FakeResource resource, string name) =>
        StatusBody(HttpStatusCode.Conflict, "Conflict", $"Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");

    private static (HttpStatusCode, JsonObject) StatusBody(HttpStatusCode code, string reason, string message) => (code, new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = (int)code,
    });

    private static string ReasonFor(HttpStatusCode code) => code switch
    {
        HttpStatusCode.Gone => "Expired",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.TooManyRequests => "TooManyRequests",
        HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
        _ => "InternalError",
    };

    private static Task WriteStatusAsync(HttpContext context, HttpStatusCode code, string reason, string message) =>
        WriteJsonAsync(context, code, StatusBody(code, reason, message).Item2.ToJsonString());

    private static async Task WriteJsonAsync(HttpContext context, HttpStatusCode code, string json)
    {
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    private sealed record HistoryEntry(long ResourceVersion, FakeResource Resource, string Namespace, JsonObject Object, string Line);

    private sealed class WatchStream(FakeResource resource, string? ns, FieldSelector selector, bool allowBookmarks, bool silent) : IDisposable
    {
        private readonly CancellationTokenSource _dropped = new();

        public CancellationToken Dropped => _dropped.Token;

        public FakeResource Resource { get; } = resource;

        public bool AllowBookmarks { get; } = allowBookmarks && !silent;

        public bool Silent { get; } = silent;

        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

        public void Drop()
        {
            try
            {
                _dropped.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The stream ended on its own meanwhile.
            }
        }

        public void Dispose() => _dropped.Dispose();

        public bool Matches(FakeResource r, string objectNamespace, JsonObject obj) =>
            !Silent && r == Resource && (ns is null || ns == objectNamespace) && selector.Matches(obj);
    }
}
