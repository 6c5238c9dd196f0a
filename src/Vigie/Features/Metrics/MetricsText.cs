using System.Globalization;
using System.Resources;
using NodaTime;
using Vigie.Core.Incidents;

namespace Vigie.Features.Metrics;

/// <summary>Marker of the metrics' strings (MetricsText.resx, MetricsText.fr.resx).</summary>
public sealed class MetricsText;

/// <summary>
/// The metrics' strings in one given language: the monthly report is written in the reader's
/// language (or ?lang=), including when it is printed outside a request (PDF, CSV, CLI).
/// </summary>
public sealed class MetricsWords(CultureInfo culture)
{
    private static readonly ResourceManager Metrics = new(typeof(MetricsText).FullName!, typeof(MetricsText).Assembly);

    public CultureInfo Culture { get; } = culture;

    public string Language => Culture.TwoLetterISOLanguageName;

    public string this[string key] => Metrics.GetString(key, Culture) ?? key;

    public string Format(string key, params object?[] args) => string.Format(Culture, this[key], args);

    /// <summary>"novembre 2026" / "November 2026".</summary>
    public string MonthName(YearMonth month) =>
        new DateTime(month.Year, month.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).ToString("MMMM yyyy", Culture);

    /// <summary>"Nov" / "nov." for chart axes.</summary>
    public string ShortMonth(YearMonth month) =>
        new DateTime(month.Year, month.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).ToString("MMM yy", Culture);

    public string Percent(double? value) => value is { } v ? v.ToString("0.#", Culture) + " %" : "—";

    public string State(IncidentState state) => this["State." + state.ToString()];

    public static CultureInfo? CultureOf(string? language) => language?.Trim().ToLowerInvariant() switch
    {
        "fr" => CultureInfo.GetCultureInfo("fr"),
        "en" => CultureInfo.GetCultureInfo("en"),
        _ => null,
    };

    /// <summary>The reader's language when it is French or English, else French (the team's default).</summary>
    public static CultureInfo Default => CultureOf(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName) ?? CultureInfo.GetCultureInfo("fr");
}

/// <summary>Durations written for people ("2 h 05", "45 min") and for machines (ISO 8601 "PT2H5M").</summary>
public static class DurationText
{
    public static string Human(Duration? duration)
    {
        if (duration is not { } d)
        {
            return "—";
        }
        var seconds = (long)Math.Round(d.TotalSeconds);
        if (seconds < 60)
        {
            return $"{seconds} s";
        }
        if (seconds < 3600)
        {
            return $"{seconds / 60} min";
        }
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600} h {seconds % 3600 / 60:D2}");
    }

    /// <summary>ISO 8601 in hours, minutes and seconds only (business time has no days of 24 hours): PT65H30M, PT0S.</summary>
    public static string Iso(Duration duration)
    {
        var seconds = (long)Math.Round(duration.TotalSeconds);
        if (seconds == 0)
        {
            return "PT0S";
        }
        var sign = seconds < 0 ? "-" : "";
        seconds = Math.Abs(seconds);
        var text = "PT";
        if (seconds >= 3600)
        {
            text += $"{seconds / 3600}H";
        }
        if (seconds % 3600 / 60 > 0)
        {
            text += $"{seconds % 3600 / 60}M";
        }
        if (seconds % 60 > 0)
        {
            text += $"{seconds % 60}S";
        }
        return sign + text;
    }

    public static long Seconds(Duration duration) => (long)Math.Round(duration.TotalSeconds);
}
