using System.Globalization;
using Vigie.Core.Vulnerabilities;

namespace Vigie.Core.Advisories;

/// <summary>The text of a bulletin in one language.</summary>
public sealed record AdvisoryText(string Title, string Summary, string? Recommendations = null, string? Workarounds = null);

/// <summary>A CVE a bulletin is about, with the score it shows.</summary>
public sealed record AdvisoryCve(string Id, string? Description, double? CvssScore, string? CvssVector, string? CvssVersion);

/// <summary>
/// A product a bulletin names: affected versions as a vers constraint list (<c>&gt;=2.0-beta9|&lt;2.15.0</c>) and/or the
/// version that fixes it, with its CPE or purl when known.
/// </summary>
public sealed record AdvisoryProduct(string Vendor, string Product, string? Affected, string? Fixed, string? Cpe = null, string? Purl = null, string Scheme = "generic");

/// <summary>One published revision.</summary>
public sealed record AdvisoryRevision(int Number, DateTimeOffset Date, string Summary);

/// <summary>
/// A bulletin as the team writes it, in French and English: what CSAF export, the public page, the feed and the mail
/// are made from. <see cref="Revisions"/> is empty until the first publication.
/// </summary>
public sealed record AdvisoryDocument(
    string TrackingId,
    string Tlp,
    string Severity,
    AdvisoryText En,
    AdvisoryText Fr,
    IReadOnlyList<AdvisoryCve> Cves,
    IReadOnlyList<AdvisoryProduct> Products,
    IReadOnlyList<string> References,
    IReadOnlyList<AdvisoryRevision> Revisions,
    DateTimeOffset CreatedAt)
{
    public bool Published => Revisions.Count > 0;

    public AdvisoryText In(string lang) => lang.StartsWith("fr", StringComparison.OrdinalIgnoreCase) ? Fr : En;

    /// <summary>Severities a bulletin may carry (CVSS qualitative scale).</summary>
    public static readonly string[] Severities = ["low", "medium", "high", "critical"];

    /// <summary>TLP 2.0 labels a bulletin may carry.</summary>
    public static readonly string[] TlpLabels = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"];
}

/// <summary>
/// A first draft of a bulletin from what the store knows about one CVE (its CNA, ADP and NVD facts): title and summary
/// from the CNA's English description (the French text is left for the analyst, marked to translate), the best CVSS,
/// the affected products with their ranges and fixed versions, references. The analyst edits it before publishing.
/// </summary>
public static class AdvisoryDraft
{
    public const string ToTranslate = "[À traduire] ";

    public static AdvisoryDocument From(string trackingId, IReadOnlyList<VulnerabilityRecord> facts, DateTimeOffset now)
    {
        if (facts.Count == 0)
        {
            throw new ArgumentException("No facts to draft from.", nameof(facts));
        }
        var ordered = facts.OrderBy(f => f.Source.StartsWith("cve5:cna/", StringComparison.Ordinal) ? 0 : f.Source == "nvd" ? 1 : 2).ToList();
        var id = ordered[0].Id;
        var description = ordered.SelectMany(f => f.Descriptions).OrderBy(d => d.Language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .Select(d => d.Text).FirstOrDefault() ?? id;
        var title = ordered.Select(f => f.Title).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t)) ?? FirstSentence(description);
        var best = ordered.SelectMany(f => f.Metrics).Where(m => m.Version is "3.1" or "3.0").OrderByDescending(m => m.BaseScore).FirstOrDefault()
            ?? ordered.SelectMany(f => f.Metrics).OrderByDescending(m => m.BaseScore).FirstOrDefault();
        var severity = best is null ? "medium" : best.BaseScore >= 9 ? "critical" : best.BaseScore >= 7 ? "high" : best.BaseScore >= 4 ? "medium" : "low";
        var products = new List<AdvisoryProduct>();
        // The CNA's products first; an ADP's or NVD's only when the CNA names none.
        foreach (var fact in ordered)
        {
            if (products.Count > 0 && !fact.Source.StartsWith("cve5:cna/", StringComparison.Ordinal))
            {
                break;
            }
            foreach (var rule in fact.Affected)
            {
                if (products.Count >= 50)
                {
                    break;
                }
                var vendor = Clean(rule.Product.Vendor) ?? CpePart(rule.Product.Cpes, 3) ?? "";
                var product = Clean(rule.Product.Product) ?? Clean(rule.Product.PackageName) ?? CpePart(rule.Product.Cpes, 4);
                if (product is null)
                {
                    continue;
                }
                var scheme = rule.Versions.Select(v => v.VersionType).FirstOrDefault(t => t is "semver" or "rpm" or "maven" or "npm" or "pypi") ?? "generic";
                var cpe = rule.Product.Cpes.FirstOrDefault(c => c.StartsWith("cpe:2.3:", StringComparison.Ordinal));
                var ranges = rule.Versions.Where(v => v.Status == AffectedStatus.Affected).Select(v => (Vers: Vers(v), Range: v)).Where(v => v.Vers is not null).ToList();
                if (ranges.Count == 0)
                {
                    products.Add(new AdvisoryProduct(vendor, product, null, null, cpe, rule.Product.Purl, scheme));
                    continue;
                }
                // One entry per affected branch: vers cannot say "this range or that one" in one constraint list.
                foreach (var (vers, range) in ranges.Take(10))
                {
                    var fixedAt = range.LessThan is { } lt && lt != "*" && IsVersion(lt) ? lt
                        : (range.Changes ?? []).Where(c => c.Status == AffectedStatus.Unaffected).Select(c => c.At).LastOrDefault();
                    products.Add(new AdvisoryProduct(vendor, product, vers, fixedAt, cpe, rule.Product.Purl, scheme));
                }
            }
        }
        var references = ordered.SelectMany(f => f.References).Distinct().Take(20).ToList();
        references.Insert(0, $"https://www.cve.org/CVERecord?id={id}");
        var en = new AdvisoryText(Cut(title, 200), description, null, null);
        var fr = new AdvisoryText(ToTranslate + Cut(title, 180), ToTranslate + description, null, null);
        var cve = new AdvisoryCve(id, description, best?.BaseScore, best?.Vector, best?.Version);
        return new AdvisoryDocument(trackingId, "CLEAR", severity, en, fr, [cve], products, references.Distinct().ToList(), [], now);
    }

    /// <summary>A CVE added to a bulletin by hand: its description and best CVSS from the stored facts, or the bare id when none is stored.</summary>
    public static AdvisoryCve Cve(string id, IReadOnlyList<VulnerabilityRecord> facts)
    {
        if (facts.Count == 0)
        {
            return new AdvisoryCve(id, null, null, null, null);
        }
        var draft = From("X", facts, DateTimeOffset.UnixEpoch);
        return draft.Cves[0] with { Id = id };
    }

    /// <summary>A range as vers constraints ("&gt;=2.4.0|&lt;=2.4.55"); a single version as "=2.4.55"; null when it cannot be written.</summary>
    internal static string? Vers(VersionRange r)
    {
        var parts = new List<string>();
        if (r.LessThan is null && r.LessThanOrEqual is null)
        {
            return IsVersion(r.Version) ? $"={r.Version}" : null;
        }
        if (r.Version is not ("0" or "*" or "") && IsVersion(r.Version))
        {
            parts.Add((r.StartExcluding ? ">" : ">=") + r.Version);
        }
        if (r.LessThan is { } lt && lt != "*" && IsVersion(lt))
        {
            parts.Add("<" + lt);
        }
        else if (r.LessThanOrEqual is { } le && le != "*" && IsVersion(le))
        {
            parts.Add("<=" + le);
        }
        return parts.Count == 0 ? null : string.Join('|', parts);
    }

    private static bool IsVersion(string s) => Vulnerabilities.Matching.VersionComparer.IsVersionLike(s) && !s.Contains('|', StringComparison.Ordinal);

    private static string? CpePart(IReadOnlyList<string> cpes, int index) =>
        cpes.Select(c => c.Split(':')).FirstOrDefault(p => p.Length > index && p[0] == "cpe" && p[1] == "2.3")?[index] is { } v && v is not ("*" or "-")
            ? v : null;

    private static string? Clean(string? s) => Vulnerabilities.Matching.Names.Normalize(s) is null ? null : s!.Trim();

    private static string FirstSentence(string text)
    {
        var end = text.IndexOfAny(['.', '\n']);
        return end > 20 ? text[..end] : text;
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max].TrimEnd() + "…";

    /// <summary>"VIGIE-2026-0007" from the year and the sequence number.</summary>
    public static string TrackingId(string prefix, int year, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{year}-{sequence:0000}");
}
