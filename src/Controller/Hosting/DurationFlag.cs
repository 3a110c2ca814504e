using System.Globalization;

namespace Plexus.Controller.Hosting;

/// <summary>Duration flags: seconds as a bare number ("10"), or with a unit as Helm charts write them ("10s", "500ms", "2m").</summary>
public static class DurationFlag
{
    private static readonly TimeSpan Longest = TimeSpan.FromHours(24);

    /// <summary>Parses <paramref name="value"/>; <paramref name="fallback"/> when it is empty.</summary>
    /// <param name="positive">Zero is refused too (for timeouts, where zero would close every connection at once).</param>
    /// <exception cref="StartupException">The value is not a duration from 0 (or above 0, with <paramref name="positive"/>) to 24h; the message names <paramref name="flag"/>.</exception>
    public static TimeSpan Parse(string? value, string flag, TimeSpan fallback, bool positive = false)
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
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            && amount * unit is var seconds && (positive ? seconds > 0 : seconds >= 0) && seconds <= Longest.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new StartupException(
                $"{flag} must be a{(positive ? " positive" : string.Empty)} duration such as 10, 10s, 500ms or 2m (at most 24h), not '{value}'");
    }
}
