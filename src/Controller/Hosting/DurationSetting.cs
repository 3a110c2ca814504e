using System.Globalization;

namespace Plexus.Controller.Hosting;

/// <summary>A duration flag: seconds as a bare number ("10"), or with a unit as Helm charts write them ("10s", "500ms", "2m").</summary>
internal static class DurationSetting
{
    private static readonly TimeSpan Longest = TimeSpan.FromHours(24);

    /// <summary>
    /// The duration <paramref name="value"/> says, or <paramref name="fallback"/> when it is empty; a
    /// <see cref="StartupException"/> naming <paramref name="flag"/> when it is not a duration, longer than 24h, or
    /// (with <paramref name="mustBePositive"/>) zero.
    /// </summary>
    public static TimeSpan Parse(string? value, string flag, TimeSpan fallback, bool mustBePositive = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        var text = value.Trim();
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            && amount * unit is var seconds && seconds >= 0 && seconds <= Longest.TotalSeconds
            && (seconds > 0 || !mustBePositive))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        var range = mustBePositive ? "more than 0, at most 24h" : "at most 24h";
        throw new StartupException($"{flag} must be a duration such as 10, 10s, 500ms or 2m ({range}), not '{value}'");
    }
}
