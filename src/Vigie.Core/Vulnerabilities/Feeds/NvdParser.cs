using System.Text.Json;

namespace Vigie.Core.Vulnerabilities.Feeds;

/// <summary>
/// Reads NVD CVE API 2.0 responses (<c>vulnerabilities[].cve</c>): descriptions, CVSS per source, CWE, references,
/// CISA KEV date, and the configurations' <c>cpeMatch</c> ranges (<c>versionStart/End Including/Excluding</c>).
/// </summary>
public static class NvdParser
{
    /// <summary>True when the document looks like an NVD API 2.0 response.</summary>
    public static bool Looks(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("vulnerabilities", out var v) && v.ValueKind == JsonValueKind.Array
        && (root.Str("format", 32) == "NVD_CVE" || v.EnumerateArray().Take(1).Any(x => x.Obj("cve") is not null));

    /// <summary>The records of one response, one result per entry: a record, or the reason that entry was refused.</summary>
    public static IEnumerable<(VulnerabilityRecord? Record, string Where, string? Error)> Parse(JsonElement root)
    {
        var i = 0;
        foreach (var item in root.Arr("vulnerabilities"))
        {
            var where = $"vulnerabilities[{i++}]";
            VulnerabilityRecord? record = null;
            string? error = null;
            try
            {
                record = ParseCve(item.Obj("cve") ?? throw new FeedFormatException("no cve object"));
            }
            catch (FeedFormatException e)
            {
                error = e.Message;
            }
            yield return (record, record?.Id ?? where, error);
        }
    }

    private static VulnerabilityRecord ParseCve(JsonElement cve)
    {
        var id = FeedJson.CveId(cve.Str("id")) ?? throw new FeedFormatException("id is missing or not a CVE id");
        var rejected = string.Equals(cve.Str("vulnStatus", 32), "Rejected", StringComparison.OrdinalIgnoreCase);
        var descriptions = cve.Arr("descriptions").Select(d => new LocalizedText(d.Str("lang", 16) ?? "en", d.Str("value") ?? ""))
            .Where(d => d.Text.Length > 0).ToList();
        var metrics = new List<CvssScore>();
        if (cve.Obj("metrics") is { } m)
        {
            foreach (var (key, fallback) in new[] { ("cvssMetricV40", "4.0"), ("cvssMetricV31", "3.1"), ("cvssMetricV30", "3.0"), ("cvssMetricV2", "2.0") })
            {
                foreach (var entry in m.Arr(key))
                {
                    if (entry.Obj("cvssData") is { } data && data.Num("baseScore") is { } score and >= 0 and <= 10 && data.Str("vectorString", 256) is { } vector)
                    {
                        var severity = (data.Str("baseSeverity", 16) ?? entry.Str("baseSeverity", 16))?.ToUpperInvariant() ?? FeedJson.V2Severity(score);
                        metrics.Add(new CvssScore(data.Str("version", 8) ?? fallback, score, vector, severity, $"nvd/{entry.Str("source", 128) ?? "nvd"}"));
                    }
                }
            }
        }
        var cwes = cve.Arr("weaknesses").SelectMany(w => w.Arr("description")).Select(d => d.Str("value", 32)).OfType<string>()
            .Where(w => w.StartsWith("CWE-", StringComparison.Ordinal)).Distinct().ToList();
        var references = cve.Arr("references").Select(r => r.Str("url", 2048)).OfType<string>().Distinct().ToList();
        var affected = new List<AffectedRule>();
        var c = 0;
        foreach (var configuration in cve.Arr("configurations"))
        {
            var n = 0;
            var nodes = configuration.Arr("nodes").ToList();
            // An AND configuration: a vulnerable application "running on" a platform node. The platform is said in the evidence.
            var platform = configuration.Str("operator", 8) == "AND"
                ? string.Join(", ", nodes.SelectMany(x => x.Arr("cpeMatch")).Where(x => x.Bool("vulnerable") == false).Select(x => x.Str("criteria", 256)).OfType<string>().Take(3))
                : "";
            foreach (var node in nodes)
            {
                affected.AddRange(CpeMatches(node, $"nvd configurations[{c}].nodes[{n++}]" + (platform.Length > 0 ? $" on {platform}" : "")));
            }
            c++;
        }
        var kev = FeedJson.Day(cve.Str("cisaExploitAdd", 32));
        return new VulnerabilityRecord(id, "nvd", cve.Str("lastModified", 64) ?? "", rejected ? VulnerabilityState.Rejected : VulnerabilityState.Published,
            null, descriptions, cve.Date("published"), cve.Date("lastModified"), metrics, cwes, references, rejected ? [] : affected,
            kev is null ? null : new ExploitationFacts(SsvcExploitation.Active, null, null, kev));
    }

    /// <summary>
    /// The vulnerable <c>cpeMatch</c> entries of one node as rules (CVE 5 <c>cpeApplicability</c> has the same shape).
    /// A negated node, or a non-vulnerable entry (a platform), is not a statement that something is affected.
    /// </summary>
    public static IEnumerable<AffectedRule> CpeMatches(JsonElement node, string where)
    {
        if (node.Bool("negate") == true)
        {
            yield break;
        }
        var i = 0;
        foreach (var match in node.Arr("cpeMatch"))
        {
            var index = i++;
            if (match.Bool("vulnerable") != true || match.Str("criteria", 1024) is not { } criteria)
            {
                continue;
            }
            var startIncluding = match.Str("versionStartIncluding", 128);
            var startExcluding = match.Str("versionStartExcluding", 128);
            var endIncluding = match.Str("versionEndIncluding", 128);
            var endExcluding = match.Str("versionEndExcluding", 128);
            IReadOnlyList<VersionRange> versions = startIncluding is null && startExcluding is null && endIncluding is null && endExcluding is null
                ? []
                : [new VersionRange(AffectedStatus.Affected, startIncluding ?? startExcluding ?? "0",
                    endExcluding ?? (endIncluding is null ? "*" : null), endIncluding, "nvd", null, startExcluding is not null)];
            yield return new AffectedRule(new ProductSelector(null, null, [criteria]), versions, AffectedStatus.Unknown, $"{where}.cpeMatch[{index}]");
        }
    }
}
