using System.Globalization;

namespace Vigie.Core.Incidents;

/// <summary>
/// The team's per-year incident number, e.g. <c>2026-0042</c>: what analysts say on the phone and put
/// in mail subjects. Four digits at least, more when a year needs them.
/// </summary>
public static class IncidentNumber
{
    public static string Format(int year, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{sequence:D4}");

    /// <summary>Sortable position of a number: year × 1,000,000 + sequence.</summary>
    public static long Ordinal(int year, int sequence) => year * 1_000_000L + sequence;

    public static bool TryParse(string? text, out int year, out int sequence)
    {
        year = sequence = 0;
        var parts = (text ?? "").Trim().Split('-');
        return parts.Length == 2 && parts[0].Length == 4 && parts[1].Length >= 4
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out year)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && year >= 1970 && sequence is > 0 and < 1_000_000;
    }
}
