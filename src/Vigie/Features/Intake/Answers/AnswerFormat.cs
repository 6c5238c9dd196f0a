using System.Globalization;
using System.Text;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Intake.Answers;

/// <summary>How dates, business hours and the key fingerprint read in each language of the answers.</summary>
internal static class AnswerFormat
{
    /// <summary>The culture of a language: fr-FR and en-GB (day-month-year, 24-hour clock) for the shipped languages.</summary>
    public static CultureInfo Culture(string language) => language switch
    {
        "fr" => CultureInfo.GetCultureInfo("fr-FR"),
        "en" => CultureInfo.GetCultureInfo("en-GB"),
        _ => TryCulture(language),
    };

    /// <summary>
    /// A moment in the team's zone, as people read it: "9 mars 2026 à 11:00 (Europe/Paris)",
    /// "9 March 2026 at 11:00 (Europe/Paris)". French writes the first of the month "1er".
    /// </summary>
    public static string Moment(DateTimeOffset moment, TimeZoneInfo zone, string zoneName, string language)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(moment, zone);
        var culture = Culture(language);
        var text = language switch
        {
            "fr" => (local.Day == 1 ? "1er" : local.Day.ToString(culture)) + local.ToString(" MMMM yyyy 'à' HH:mm", culture),
            "en" => local.ToString("d MMMM yyyy 'at' HH:mm", culture),
            _ => local.ToString("d MMMM yyyy HH:mm", culture),
        };
        return $"{text} ({zoneName})";
    }

    /// <summary>
    /// The business hours in one phrase: "du lundi au vendredi, de 9h00 à 18h00 (Europe/Paris)",
    /// "Monday to Friday, from 9:00 to 18:00 (Europe/Paris)". Intervals on the same days are joined
    /// ("de 9h00 à 12h00 et de 14h00 à 18h00"). Empty when the profile lists none.
    /// </summary>
    public static string BusinessHours(IReadOnlyList<BusinessHoursInterval> hours, string zoneName, string language)
    {
        ArgumentNullException.ThrowIfNull(hours);
        if (hours.Count == 0)
        {
            return "";
        }

        var culture = Culture(language);
        var french = language == "fr";
        // Group intervals by their set of days, in the profile's order, so a lunch break reads as one phrase.
        var groups = new List<(DayOfWeek[] Days, List<BusinessHoursInterval> Intervals)>();
        foreach (var interval in hours)
        {
            var days = interval.GetDays().Distinct().OrderBy(d => ((int)d + 6) % 7).ToArray();
            var group = groups.FindIndex(g => g.Days.SequenceEqual(days));
            if (group < 0)
            {
                groups.Add((days, [interval]));
            }
            else
            {
                groups[group].Intervals.Add(interval);
            }
        }

        var phrases = groups.Select(g =>
        {
            var times = g.Intervals.OrderBy(i => i.GetStart()).Select(i => french
                ? $"de {FrenchTime(i.GetStart())} à {FrenchTime(i.GetEnd())}"
                : $"from {i.GetStart():H:mm} to {i.GetEnd():H:mm}");
            return $"{Days(g.Days, culture, french)}, {JoinAnd(times.ToList(), french)}";
        });
        return $"{string.Join(french ? " ; " : "; ", phrases)} ({zoneName})";
    }

    /// <summary>The fingerprint as GnuPG prints it: ten groups of four, a double space in the middle.</summary>
    public static string Fingerprint(string normalized)
    {
        if (normalized.Length != 40)
        {
            return normalized;
        }

        var sb = new StringBuilder(50);
        for (var i = 0; i < 40; i += 4)
        {
            if (i > 0)
            {
                sb.Append(i == 20 ? "  " : " ");
            }

            sb.Append(normalized, i, 4);
        }

        return sb.ToString();
    }

    private static string FrenchTime(TimeOnly t) => $"{t.Hour}h{t.Minute:00}";

    // Monday to Friday / du lundi au vendredi for a run of three days or more; otherwise a list.
    private static string Days(DayOfWeek[] days, CultureInfo culture, bool french)
    {
        var names = days.Select(d => culture.DateTimeFormat.GetDayName(d)).ToList();
        var consecutive = days.Length >= 3 && days.Zip(days.Skip(1)).All(p => ((int)p.Second + 7 - (int)p.First) % 7 == 1);
        if (consecutive)
        {
            return french ? $"du {names[0]} au {names[^1]}" : $"{names[0]} to {names[^1]}";
        }

        return french ? (names.Count == 1 ? $"le {names[0]}" : JoinAnd(names.Select(n => "le " + n).ToList(), french)) : JoinAnd(names, french);
    }

    private static string JoinAnd(List<string> items, bool french) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => $"{string.Join(", ", items.Take(items.Count - 1))} {(french ? "et" : "and")} {items[^1]}",
    };

    private static CultureInfo TryCulture(string language)
    {
        try
        {
            return CultureInfo.GetCultureInfo(language);
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.InvariantCulture;
        }
    }
}
