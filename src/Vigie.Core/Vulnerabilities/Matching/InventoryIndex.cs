using System.Globalization;
using System.Text;

namespace Vigie.Core.Vulnerabilities.Matching;

/// <summary>
/// All constituents' inventory products, indexed for matching a vulnerability's <see cref="AffectedRule"/>s:
/// by CPE vendor:product, by purl type/namespace/name and by normalised vendor and product names. Built once
/// (cheap: a few dictionaries) and read by any number of threads; a rule only looks at the products that share
/// one of its keys, so matching one vulnerability costs a few dictionary look-ups, not a scan.
/// </summary>
public sealed class InventoryIndex
{
    private sealed record Entry(InventoryProduct Product, CpeName? Cpe, PackageUrl? Purl, string? Vendor, string? Name, string? Version);

    private readonly Dictionary<string, List<Entry>> _byCpe = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Entry>> _byPurl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Entry>> _byName = new(StringComparer.Ordinal);

    public int Count { get; }

    public InventoryIndex(IEnumerable<InventoryProduct> products)
    {
        foreach (var p in products)
        {
            Count++;
            var cpe = CpeName.TryParse(p.Cpe, out var c) && !CpeName.IsUnspecific(c.Vendor) && !CpeName.IsUnspecific(c.Product) ? c : null;
            var purl = PackageUrl.TryParse(p.Purl, out var u) ? u : null;
            var vendor = Names.Normalize(p.Vendor);
            var name = Names.Normalize(p.Product);
            // The version entered wins; else the one the CPE or purl carries.
            var version = !string.IsNullOrWhiteSpace(p.Version) ? p.Version.Trim()
                : cpe is not null && CpeName.IsLiteral(cpe.Version) ? cpe.Version
                : purl?.Version;
            var entry = new Entry(p, cpe, purl, vendor, name, version);
            if (cpe is not null)
            {
                Add(_byCpe, cpe.ProductKey, entry);
            }
            if (purl is not null)
            {
                Add(_byPurl, purl.Key, entry);
            }
            if (name is not null)
            {
                Add(_byName, name, entry);
            }
        }
    }

    private static void Add(Dictionary<string, List<Entry>> index, string key, Entry entry)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }
        list.Add(entry);
    }

    /// <summary>
    /// The inventory products one vulnerability affects, one per product with its strongest evidence, in a stable order
    /// (constituent, then product id). A product some rule explicitly says is unaffected at its version is left out unless another rule positively places it in an affected range.
    /// </summary>
    public IReadOnlyList<ProductMatch> Match(IReadOnlyList<AffectedRule> rules)
    {
        Dictionary<Guid, ProductMatch>? best = null;
        HashSet<Guid>? unaffected = null;
        foreach (var rule in rules)
        {
            foreach (var (entry, how, strong) in Candidates(rule))
            {
                var verdict = EvaluateVersion(rule, entry);
                if (verdict.Status == AffectedStatus.Unaffected && verdict.Decision is Decision.Listed or Decision.InRange)
                {
                    // Another rule's explicit "unaffected" only outweighs a presumption (a heuristic match): Red Hat
                    // lists one package under many products, each with its own fixed build, and the inventory rarely
                    // says which stream a host follows; a missed exposure costs more than a second look.
                    (unaffected ??= []).Add(entry.Product.Id);
                    continue;
                }
                if (verdict.Status != AffectedStatus.Affected)
                {
                    continue;
                }
                var confidence = (verdict.Decision, strong) switch
                {
                    (Decision.Listed, true) => MatchConfidence.Exact,
                    (Decision.Listed or Decision.InRange or Decision.Default, _) => MatchConfidence.Range,
                    _ => MatchConfidence.Heuristic,
                };
                var evidence = $"{rule.Evidence}: {how}; {verdict.Why}";
                best ??= [];
                if (!best.TryGetValue(entry.Product.Id, out var known) || known.Confidence < confidence)
                {
                    best[entry.Product.Id] = new ProductMatch(entry.Product.Id, entry.Product.ConstituentId, confidence,
                        evidence.Length > 1000 ? evidence[..1000] : evidence);
                }
            }
        }
        if (best is null)
        {
            return [];
        }
        return [.. best.Values.Where(m => unaffected is null || m.Confidence > MatchConfidence.Heuristic || !unaffected.Contains(m.InventoryId))
            .OrderBy(m => m.ConstituentId).ThenBy(m => m.InventoryId)];
    }

    private static VersionVerdict EvaluateVersion(AffectedRule rule, Entry entry) =>
        // A CPE that names a version and no ranges: the CPE itself is the listing (NVD's shape for single versions).
        rule.Versions.Count == 0 && rule.Product.Cpes.Count > 0 && entry.Version is not null
            && rule.Product.Cpes.Select(c => CpeName.TryParse(c, out var n) ? n : null).FirstOrDefault(n => n is not null && CpeName.IsLiteral(n.Version)) is { } named
            ? (VersionComparer.Compare(entry.Version, named.Version, null) == 0
                ? new VersionVerdict(AffectedStatus.Affected, Decision.Listed, $"{entry.Version} is the version the CPE names")
                : new VersionVerdict(AffectedStatus.Unknown, Decision.Default, ""))
            : RangeEvaluator.Evaluate(rule, entry.Version);

    /// <summary>
    /// Products a rule speaks of, with how they were identified and whether that identification is strong (CPE or
    /// purl) or by names. Placeholders ("n/a", "unknown") and unspecific CPEs identify nothing. When the rule names a
    /// package, its CPEs are the platform the package ships on (Red Hat's shape), not the product: they are not used.
    /// </summary>
    private IEnumerable<(Entry Entry, string How, bool Strong)> Candidates(AffectedRule rule)
    {
        var seen = new HashSet<Guid>();
        var p = rule.Product;
        if (p.PackageName is null)
        {
            foreach (var text in p.Cpes)
            {
                if (!CpeName.TryParse(text, out var cpe) || CpeName.IsUnspecific(cpe.Vendor) || CpeName.IsUnspecific(cpe.Product)
                    || !_byCpe.TryGetValue(cpe.ProductKey, out var list))
                {
                    continue;
                }
                foreach (var e in list)
                {
                    if (cpe.SameProductAs(e.Cpe!) && (rule.Versions.Count > 0 || CpeVersionCompatible(cpe, e)) && seen.Add(e.Product.Id))
                    {
                        yield return (e, $"CPE {cpe.ProductKey}", true);
                    }
                }
            }
        }
        if (PackageUrl.TryParse(p.Purl, out var purl) && _byPurl.TryGetValue(purl.Key, out var byPurl))
        {
            foreach (var e in byPurl)
            {
                if (seen.Add(e.Product.Id))
                {
                    yield return (e, $"purl {purl.Key}", true);
                }
            }
        }
        var vendor = Names.Normalize(p.Vendor);
        foreach (var productName in new[] { p.Product, p.PackageName }.Select(Names.Normalize).Where(n => n is not null).Distinct())
        {
            if (!_byName.TryGetValue(productName!, out var byName))
            {
                continue;
            }
            foreach (var e in byName)
            {
                // Same product name and same vendor; a rule without a vendor only identifies by a package name.
                var vendorAgrees = vendor is not null ? Names.SameVendor(vendor, e.Vendor)
                    : p.PackageName is not null && Names.Normalize(p.PackageName) == productName;
                if (vendorAgrees && seen.Add(e.Product.Id))
                {
                    yield return (e, vendor is null ? $"package {p.PackageName}" : $"vendor and product names \"{p.Vendor}\" \"{productName}\"", false);
                }
            }
        }
    }

    /// <summary>
    /// Without ranges, a feed CPE naming a version only fits a product whose version is that one (or unknown). With ranges,
    /// the CPE's version is ignored: CISA's ADP writes the range start there (fortiproxy:7.0.0 for 7.0.0 ≤ v &lt; 7.0.15).
    /// </summary>
    private static bool CpeVersionCompatible(CpeName source, Entry e) =>
        !CpeName.IsLiteral(source.Version) || e.Version is null || source.Version == e.Version.ToLowerInvariant()
        || VersionComparer.Compare(e.Version, source.Version, null) == 0;
}

/// <summary>Name normalisation for matching by vendor and product text.</summary>
public static class Names
{
    private static readonly HashSet<string> Placeholders = new(StringComparer.Ordinal)
    {
        "", "n a", "na", "unknown", "none", "not applicable", "various", "multiple", "all", "other", "tbd", "unspecified",
    };

    private static readonly string[] CorporateSuffixes =
    [
        " incorporated", " inc", " corporation", " corp", " co", " ltd", " limited", " llc", " gmbh", " ag", " sa", " sas",
        " s a", " plc", " bv", " b v", " ab", " oy", " software foundation", " foundation", " project", " community", " group",
    ];

    /// <summary>
    /// Lower case, accents off, punctuation and "_" as spaces, runs of spaces collapsed; null for a placeholder
    /// ("n/a", "[UNKNOWN]", "unknown", empty). Corporate suffixes are not removed here (see <see cref="SameVendor"/>).
    /// </summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 256)
        {
            return null;
        }
        var b = new StringBuilder(text.Length);
        foreach (var ch in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            var c = char.ToLowerInvariant(ch);
            if (char.IsLetterOrDigit(c) || c is '.' or '+' or '#')
            {
                b.Append(c);
            }
            else if (b.Length > 0 && b[^1] != ' ')
            {
                b.Append(' ');
            }
        }
        var result = b.ToString().Trim().TrimEnd('.');
        return Placeholders.Contains(result) ? null : result;
    }

    /// <summary>The vendor without its corporate suffixes: "Microsoft Corporation" and "microsoft" are one vendor.</summary>
    public static string VendorCore(string normalized)
    {
        var v = normalized;
        bool trimmed;
        do
        {
            trimmed = false;
            foreach (var suffix in CorporateSuffixes)
            {
                if (v.EndsWith(suffix, StringComparison.Ordinal) && v.Length > suffix.Length)
                {
                    v = v[..^suffix.Length].TrimEnd(' ', '.');
                    trimmed = true;
                }
            }
        }
        while (trimmed);
        return v;
    }

    public static bool SameVendor(string normalizedA, string? normalizedB) =>
        normalizedB is not null && (normalizedA == normalizedB || VendorCore(normalizedA) == VendorCore(normalizedB));
}
