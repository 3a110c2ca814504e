using Microsoft.AspNetCore.Connections;
using Plexus.Controller.Check;
using Plexus.Controller.Cli;
using Plexus.Controller.Hosting;

namespace Plexus.Controller;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        RuntimeEnvironmentDefaults.Apply();
        CommandLine commandLine;
        try
        {
            commandLine = CommandLine.Parse(args);
        }
        catch (CommandLineException exception)
        {
            (exception.IsHelp ? Console.Out : Console.Error).WriteLine(exception.Message);
            return exception.IsHelp ? 0 : 2;
        }

        if (commandLine.Command == CommandLine.Version)
        {
            Console.Out.WriteLine(BuildInfo.Current);
            return 0;
        }

        if (commandLine.Command == CommandLine.Check)
        {
            using var cancellation = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            return await CheckCommand.RunAsync(commandLine.Settings, Console.Out, Console.Error, CheckProberFactory.Create, cancellation.Token);
        }

        try
        {
            await using var app = PlexusApplication.Create(commandLine.Settings);
            return await PlexusProcess.RunAsync(app);
        }
        catch (StartupException exception)
        {
            await Console.Error.WriteLineAsync($"plexus: {exception.Message}");
            return 2;
        }
        catch (IOException exception) when (exception.InnerException is AddressInUseException)
        {
            // Another process holds a port: a configuration problem, not a crash.
            await Console.Error.WriteLineAsync($"plexus: {exception.Message} Choose other ports with --http-port, --https-port, --admin-port.");
            return 2;
        }
    }
}
