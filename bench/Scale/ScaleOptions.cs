using System.Globalization;

namespace Plexus.Bench.Scale;

/// <summary>Command line of the scale benchmark.</summary>
internal sealed record ScaleOptions(
    string PlexusDll,
    bool Manifests,
    int Services,
    int EndpointsPerService,
    int Iterations,
    string ProbeInterval,
    string? FirstVerdictWait,
    string? Out,
    IReadOnlyDictionary<string, string> PlexusEnvironment)
{
    public const string Usage = """
        usage: Plexus.Bench.Scale --plexus PATH/Plexus.Controller.dll [--services 10000] [--endpoints-per-service 5]
                                  [--iterations 100] [--probe-interval 01:00:00] [--first-verdict-wait 00:00:03] [--out FILE]
                                  [--plexus-env NAME=VALUE]... [--mode kubernetes|manifests]
        """;

    public static ScaleOptions Parse(string[] args)
    {
        string? plexus = null, firstVerdictWait = null, output = null;
        int services = 10_000, perService = 5, iterations = 100;
        var probeInterval = "01:00:00";
        var manifests = false;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--plexus": plexus = value; break;
                case "--services": services = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--endpoints-per-service": perService = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--iterations": iterations = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--probe-interval": probeInterval = value; break;
                case "--first-verdict-wait": firstVerdictWait = value; break;
                case "--out": output = value; break;
                case "--mode" when value is "kubernetes" or "manifests": manifests = value == "manifests"; break;
                case "--plexus-env" when value.Split('=', 2) is [{ Length: > 0 } name, var setting]: environment[name] = setting; break;
                default: throw new ArgumentException($"unknown argument {args[i]}\n{Usage}");
            }

            i++;
        }

        if (plexus is null || !File.Exists(plexus))
        {
            throw new ArgumentException($"--plexus must name the published Plexus.Controller.dll\n{Usage}");
        }

        if (services < 1 || perService < 1 || perService * services > 65_536 * 200 || iterations < 1)
        {
            throw new ArgumentException($"sizes out of range\n{Usage}");
        }

        return new ScaleOptions(plexus, manifests, services, perService, iterations, probeInterval, firstVerdictWait, output, environment);
    }
}
