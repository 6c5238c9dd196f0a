using System.Text.Json;

namespace Vigie.Core.Vulnerabilities.Feeds;

/// <summary>One entry of CISA's Known Exploited Vulnerabilities catalog.</summary>
public sealed record KevEntry(string CveId, string VendorProject, string Product, string Name, DateOnly DateAdded, DateOnly? DueDate,
    string RequiredAction, bool KnownRansomwareUse, string? Notes);

/// <summary>Reads the KEV catalog JSON (<c>catalogVersion</c>, <c>vulnerabilities[]</c>), entry by entry.</summary>
public static class KevCatalog
{
    public static bool Looks(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("catalogVersion", out _) && root.TryGetProperty("vulnerabilities", out _);

    public static string Version(JsonElement root) => root.Str("catalogVersion", 64) ?? "";

    /// <summary>Entries with the reason for each one refused (no CVE id, no dateAdded).</summary>
    public static IEnumerable<(KevEntry? Entry, string Where, string? Error)> Parse(JsonElement root)
    {
        var i = 0;
        // The whole catalog (the item cap of nested arrays does not apply: KEV grows past it one day).
        var all = root.TryGetProperty("vulnerabilities", out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray() : default;
        foreach (var v in all)
        {
            var where = $"vulnerabilities[{i++}]";
            var id = FeedJson.CveId(v.Str("cveID", 32));
            var added = FeedJson.Day(v.Str("dateAdded", 32));
            if (id is null)
            {
                yield return (null, where, "cveID is missing or not a CVE id");
                continue;
            }
            if (added is null)
            {
                yield return (null, id, "dateAdded is missing or not a date");
                continue;
            }
            yield return (new KevEntry(id, v.Str("vendorProject", 256) ?? "", v.Str("product", 256) ?? "", v.Str("vulnerabilityName", 512) ?? "",
                added.Value, FeedJson.Day(v.Str("dueDate", 32)), v.Str("requiredAction", 2048) ?? "",
                string.Equals(v.Str("knownRansomwareCampaignUse", 16), "Known", StringComparison.OrdinalIgnoreCase),
                v.Str("notes", 4096)), id, null);
        }
    }
}
