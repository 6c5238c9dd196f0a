using System.Globalization;
using System.Text.Json;

namespace Vigie.Core.Vulnerabilities.Feeds;

/// <summary>A record a feed could not use, with the reason an operator reads.</summary>
public sealed class FeedFormatException(string message) : Exception(message);

/// <summary>Defensive readers over <see cref="JsonElement"/>: wrong kinds read as absent, long texts are cut.</summary>
internal static class FeedJson
{
    /// <summary>Longest text kept from a feed (a description, a title): real ones are far shorter; a hostile one is cut, not refused.</summary>
    public const int MaxText = 32_768;

    public const int MaxItems = 5_000;

    public static string? Str(this JsonElement e, string name, int max = MaxText) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? Cut(v.GetString(), max) : null;

    public static string? Cut(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];

    public static JsonElement? Obj(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    public static IEnumerable<JsonElement> Arr(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Take(MaxItems) : [];

    public static IEnumerable<JsonElement> Arr(this JsonElement? e, string name) => e is { } x ? x.Arr(name) : [];

    public static double? Num(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : null;

    public static bool? Bool(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    /// <summary>ISO 8601 with or without an offset (NVD writes none: it means UTC).</summary>
    public static DateTimeOffset? Date(this JsonElement e, string name) =>
        e.Str(name, 64) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;

    public static DateOnly? Day(string? s) =>
        s is not null && DateOnly.TryParseExact(s.Length >= 10 ? s[..10] : s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>CVE ids are "CVE-YYYY-NNNN…"; anything else is refused so that a hostile id never becomes a key.</summary>
    public static string? CveId(string? s)
    {
        if (s is null || s.Length is < 13 or > 24)
        {
            return null;
        }
        var id = s.Trim().ToUpperInvariant();
        return id.StartsWith("CVE-", StringComparison.Ordinal) && id.Length > 9 && id[4..8].All(char.IsAsciiDigit) && id[8] == '-'
            && id[9..].Length >= 4 && id[9..].All(char.IsAsciiDigit) ? id : null;
    }

    public static AffectedStatus Status(string? s) => s?.ToLowerInvariant() switch
    {
        "affected" => AffectedStatus.Affected,
        "unaffected" => AffectedStatus.Unaffected,
        _ => AffectedStatus.Unknown,
    };

    /// <summary>CVSS v2 has no severity in its JSON: the NVD bands (0–3.9 low, 4–6.9 medium, 7–10 high).</summary>
    public static string V2Severity(double score) => score >= 7 ? "HIGH" : score >= 4 ? "MEDIUM" : "LOW";
}
