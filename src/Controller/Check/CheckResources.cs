using System.Collections.Immutable;
using System.Net.Sockets;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plexus.Controller.Sources.Kubernetes;
using Plexus.Controller.Sources.Manifests;
using Plexus.Controller.Store;
using Plexus.Proxy.Model;

namespace Plexus.Controller.Check;

/// <summary>What a check reads, and a line saying where it came from.</summary>
public sealed record CheckInput(ResourceState State, string Source)
{
    /// <summary>Problems of the input that never became objects (skipped kinds, unknown fields of manifest files).</summary>
    public ImmutableArray<Diagnostic> SourceDiagnostics { get; init; } = [];
}

/// <summary>
/// Reads the resources once, through the same code the controller uses: the manifest folder source (one read) or
/// the Kubernetes source's list calls (one list of every kind, no watch), into a <see cref="ResourceStore"/>.
/// </summary>
public static class CheckResources
{
    /// <summary>Reads per <paramref name="options"/>; throws <see cref="CheckInputException"/> with a message for the user.</summary>
    public static Task<CheckInput> LoadAsync(CheckOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return string.IsNullOrWhiteSpace(options.Manifests)
            ? LoadFromApiAsync(options, cancellationToken)
            : LoadManifestsAsync(options, loggerFactory, cancellationToken);
    }

    /// <summary>Keeps only the namespaced objects of <paramref name="ns"/> (IngressClasses are cluster-wide); null keeps everything.</summary>
    public static ResourceState InNamespace(ResourceState state, string? ns)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (ns is null)
        {
            return state;
        }

        return state with
        {
            Ingresses = Keep(state.Ingresses, ns),
            Services = Keep(state.Services, ns),
            EndpointSlices = Keep(state.EndpointSlices, ns),
            Secrets = Keep(state.Secrets, ns),
            Pods = Keep(state.Pods, ns),
        };
    }

    private static ImmutableDictionary<ObjectKey, T> Keep<T>(ImmutableDictionary<ObjectKey, T> objects, string ns) =>
        objects.RemoveRange(objects.Keys.Where(k => !string.Equals(k.Namespace, ns, StringComparison.Ordinal)));

    private static async Task<CheckInput> LoadManifestsAsync(CheckOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var store = new ResourceStore(Options.Create(new ResourceStoreOptions()));
        var errors = new ErrorCountingLoggerFactory(loggerFactory);
        var problems = new ManifestProblems();
        using var source = new ManifestFolderSource(
            Options.Create(new ManifestFolderOptions { Directory = options.Manifests!, UseFileSystemWatcher = false }),
            store,
            errors.CreateLogger<ManifestFolderSource>(),
            problems: problems);
        try
        {
            await source.ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new CheckInputException(ex.Message, ex);
        }

        // The source keeps serving when a file is broken (it logs and keeps the file's previous objects); a gate must
        // not pass on a folder it could only partly read.
        if (errors.Errors > 0)
        {
            var invalid = problems.Current.Where(d => d.Reason == ManifestProblems.InvalidReason).Select(d => $"\n  {d.Subject.Name}: {d.Message}");
            throw new CheckInputException($"the manifest folder '{source.Directory}' could not be read completely (see the errors above):{string.Concat(invalid)}");
        }

        return new CheckInput(InNamespace(store.Current, options.EffectiveNamespace), $"manifests {source.Directory}") { SourceDiagnostics = problems.Current };
    }

    private static async Task<CheckInput> LoadFromApiAsync(CheckOptions options, CancellationToken cancellationToken)
    {
        KubernetesClientConfiguration configuration;
        try
        {
            configuration = KubernetesClientFactory.CreateConfiguration(new KubernetesSourceOptions { Kubeconfig = options.Kubeconfig });
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            var what = string.IsNullOrWhiteSpace(options.Kubeconfig)
                ? "not running in a cluster (no service account): use --manifests DIR or --kubeconfig FILE"
                : $"cannot use kubeconfig '{options.Kubeconfig}': {ex.Message}";
            throw new CheckInputException(what, ex);
        }

        var server = configuration.Host;
        var source = string.IsNullOrWhiteSpace(options.Kubeconfig) ? $"in-cluster API {server}" : $"kubeconfig {options.Kubeconfig} (API {server})";
        using var client = KubernetesClientFactory.Create(configuration);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        var store = new ResourceStore(Options.Create(new ResourceStoreOptions()));
        var ns = options.EffectiveNamespace;
        try
        {
            // The store takes concurrent writers; the six lists run side by side.
            await Task.WhenAll(
                ListAsync(WatchedResources.Ingresses(client, ns), store, timeout.Token),
                ListAsync(WatchedResources.IngressClasses(client), store, timeout.Token),
                ListAsync(WatchedResources.Services(client, ns), store, timeout.Token),
                ListAsync(WatchedResources.EndpointSlices(client, ns), store, timeout.Token),
                ListAsync(WatchedResources.Secrets(client, ns), store, timeout.Token),
                ListAsync(WatchedResources.Pods(client, ns), store, timeout.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CheckInputException($"no complete answer from the Kubernetes API at {server} within {options.TimeoutSeconds} s", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new CheckInputException($"cannot reach the Kubernetes API at {server}: {Innermost(ex)}", ex);
        }
        catch (SocketException ex)
        {
            throw new CheckInputException($"cannot reach the Kubernetes API at {server}: {ex.Message}", ex);
        }

        return new CheckInput(store.Current, source);
    }

    private static async Task ListAsync<T>(WatchedResource<T> resource, ResourceStore sink, CancellationToken cancellationToken)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var items = new List<IKubernetesObject<V1ObjectMeta>>();
        string? continueToken = null;
        do
        {
            ListPage<T> page;
            try
            {
                page = await resource.List(continueToken, 500, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException ex)
            {
                var status = ex.Response is { } response ? $"{(int)response.StatusCode} {response.StatusCode}" : "an error";
                var body = ex.Response?.Content is { Length: > 0 } content ? $": {Shorten(content)}" : string.Empty;
                throw new CheckInputException($"the Kubernetes API answered {status} to the list of {resource.Kind} objects{body}", ex);
            }

            items.AddRange(page.Items.Cast<IKubernetesObject<V1ObjectMeta>>());
            continueToken = page.Continue;
        }
        while (!string.IsNullOrEmpty(continueToken));

        sink.ReplaceAll(resource.Kind, items);
    }

    private static string Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    /// <summary>Passes log entries on and counts the errors, so a source that logs and carries on can still fail the check.</summary>
    private sealed class ErrorCountingLoggerFactory(ILoggerFactory inner)
    {
        private int _errors;

        public int Errors => Volatile.Read(ref _errors);

        public ILogger<T> CreateLogger<T>() => new CountingLogger<T>(inner.CreateLogger<T>(), this);

        private sealed class CountingLogger<T>(ILogger<T> logger, ErrorCountingLoggerFactory owner) : ILogger<T>
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => logger.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error || logger.IsEnabled(logLevel);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error)
                {
                    Interlocked.Increment(ref owner._errors);
                }

                logger.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
