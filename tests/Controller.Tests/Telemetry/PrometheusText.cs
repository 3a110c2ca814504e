using System.Globalization;

namespace Plexus.Controller.Tests.Telemetry;

/// <summary>One sample of a Prometheus text exposition: name, labels and value.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A parsed scrape (Prometheus text format 0.0.4), enough for exact assertions on counters and gauges.</summary>
internal sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<Sample> samples) => Samples = samples;

    public IReadOnlyList<Sample> Samples { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            string name;
            string rest;
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (brace >= 0 && brace < space)
            {
                name = line[..brace];
                var i = brace + 1;
                while (line[i] != '}')
                {
                    var eq = line.IndexOf('=', i);
                    var key = line[i..eq];
                    var value = new System.Text.StringBuilder();
                    var j = eq + 2; // skip ="
                    while (line[j] != '"')
                    {
                        if (line[j] == '\\')
                        {
                            j++;
                            value.Append(line[j] == 'n' ? '\n' : line[j]);
                        }
                        else
                        {
                            value.Append(line[j]);
                        }

                        j++;
                    }

                    labels[key] = value.ToString();
                    i = j + 1;
                    if (line[i] == ',')
                    {
                        i++;
                    }
                }

                rest = line[(i + 1)..].Trim();
            }
            else
            {
                name = line[..space];
                rest = line[(space + 1)..].Trim();
            }

            var valueText = rest.Split(' ')[0];
            samples.Add(new Sample(name, labels, double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }

        return new PrometheusText(samples);
    }

    /// <summary>The value of the sample with exactly these labels; null when there is none.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels)
    {
        foreach (var sample in Samples)
        {
            if (sample.Name == name && sample.Labels.Count == labels.Length && labels.All(l => sample.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            {
                return sample.Value;
            }
        }

        return null;
    }

    public IEnumerable<Sample> Named(string name) => Samples.Where(s => s.Name == name);
}
