using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Plexus.Controller.Cli;
using Plexus.Controller.Translation;
using Plexus.Proxy.Model;
using Plexus.Proxy.Probing;

namespace Plexus.Controller.Check;

/// <summary>
/// <c>plexus check</c>, the CI/CD gate: reads the resources once (manifest folder or Kubernetes API), builds the
/// snapshot with the controller's own translator, optionally probes every endpoint, prints a table or JSON and
/// returns the exit code: 0 nothing mismatches, 1 something does (<see cref="CheckPolicy"/>), 2 usage or input error.
/// Callable in-process; it writes only to the writers it is given.
/// </summary>
public static class CheckCommand
{
    /// <summary>Runs the check with the arguments that follow the word <c>check</c>.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, stdout, stderr, CheckProberFactory.Create, cancellationToken);

    /// <summary>As <see cref="RunAsync(IReadOnlyList{string}, TextWriter, TextWriter, CancellationToken)"/>, with the prober used by <c>--probe</c> supplied by the caller.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        Func<CheckOptions, IProtocolProber> proberFactory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse([CommandLine.Check, .. args]);
        }
        catch (CommandLineException exception)
        {
            await (exception.IsHelp ? stdout : stderr).WriteLineAsync(exception.Message);
            return exception.IsHelp ? CheckExitCodes.Pass : CheckExitCodes.Error;
        }

        return await RunAsync(commandLine.Settings, stdout, stderr, proberFactory, cancellationToken);
    }

    /// <summary>Runs the check with already parsed settings (keys "Plexus:Check:*", as <see cref="CommandLine"/> writes them).</summary>
    public static async Task<int> RunAsync(
        IReadOnlyDictionary<string, string?> settings,
        TextWriter stdout,
        TextWriter stderr,
        Func<CheckOptions, IProtocolProber> proberFactory,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(proberFactory);
        var options = new ConfigurationBuilder().AddInMemoryCollection(settings).Build()
            .GetSection(CheckOptions.SectionName).Get<CheckOptions>() ?? new CheckOptions();

        using var loggerFactory = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddProvider(new TextWriterLoggerProvider(stderr)));
        try
        {
            var prober = options.Probe ? proberFactory(options) : null;
            var input = await CheckResources.LoadAsync(options, loggerFactory, cancellationToken);
            var translatorOptions = new TranslatorOptions { IngressClassName = options.IngressClass, AllowExternalName = options.AllowExternalName };
            var translation = Translator.Build(input.State, ProbeResults.Empty, translatorOptions);

            IReadOnlyDictionary<ProbeKey, ProtocolVerdict>? verdicts = null;
            if (prober is not null)
            {
                var runner = new EndpointProbeRunner(prober, TimeSpan.FromSeconds(options.ProbeTimeoutSeconds), options.ProbeConcurrency);
                verdicts = await runner.ProbeAsync(translation.Snapshot, cancellationToken);
            }

            var report = CheckReportBuilder.Build(translation, input.State, verdicts, input.Source, options, input.SourceDiagnostics);
            await stdout.WriteAsync(options.Output == "json" ? CheckJson.Serialize(report) + "\n" : CheckTable.Render(report));
            await stdout.FlushAsync(cancellationToken);
            return report.ExitCode;
        }
        catch (CheckInputException exception)
        {
            await stderr.WriteLineAsync($"plexus check: {exception.Message}");
            return CheckExitCodes.Error;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("plexus check: cancelled");
            return CheckExitCodes.Error;
        }
    }
}
