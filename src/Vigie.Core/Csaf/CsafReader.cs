using System.Text.Json;
using Vigie.Core.Vulnerabilities;

namespace Vigie.Core.Csaf;

/// <summary>
/// Reads a vendor's CSAF 2.0 advisory into <see cref="VulnerabilityRecord"/>s, one per vulnerability, so that the watch
/// matches it like any other source: each product id of a <c>product_status</c> list becomes an <see cref="AffectedRule"/>
/// with the product's names (vendor / product_name branches or the full product name), its CPE and purl helpers, and
/// its version (<c>product_version</c>) or range (<c>product_version_range</c>, vers or "&lt;=x" forms). A product defined
/// by a relationship (a component installed on or part of a platform) stands for its component; the evidence names the
/// platform. Source: <c>csaf:&lt;publisher namespace host&gt;/&lt;tracking id&gt;</c>, version: <c>tracking.version</c>.
/// </summary>
public static class CsafReader
{
    /// <summary>True when the document looks like CSAF 2.0 (<c>document.csaf_version</c> "2.0").</summary>
    public static bool Looks(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("document", out var d) && d.ValueKind == JsonValueKind.Object
        && d.TryGetProperty("csaf_version", out var v) && v.ValueKind == JsonValueKind.String && v.GetString() == "2.0";

    private sealed record Product(string? Vendor, string? Name, string? Version, string? Range, string? Cpe, string? Purl, string FullName, string? Platform);

    public static IReadOnlyList<VulnerabilityRecord> Read(JsonElement root)
    {
        var document = root.GetProperty("document");
        var tracking = document.GetProperty("tracking");
        var trackingId = Str(tracking, "id") ?? "unknown";
        var version = Str(tracking, "version") ?? "";
        var ns = document.TryGetProperty("publisher", out var publisher) && Str(publisher, "namespace") is { } n && Uri.TryCreate(n, UriKind.Absolute, out var uri)
            ? uri.Host : "unknown";
        var source = $"csaf:{ns}/{trackingId}";
        var lang = Str(document, "lang") ?? "en";
        var products = Products(root);
        var documentReferences = Array(document, "references").Select(r => Str(r, "url")).OfType<string>().ToList();
        var records = new List<VulnerabilityRecord>();
        var index = 0;
        foreach (var v in Array(root, "vulnerabilities"))
        {
            var id = Str(v, "cve") is { } cve && cve.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase) ? cve.ToUpperInvariant() : $"CSAF:{trackingId}#{index}";
            index++;
            var rules = new List<AffectedRule>();
            if (v.TryGetProperty("product_status", out var status) && status.ValueKind == JsonValueKind.Object)
            {
                foreach (var list in status.EnumerateObject())
                {
                    var state = list.Name switch
                    {
                        "known_affected" or "first_affected" or "last_affected" => AffectedStatus.Affected,
                        "fixed" or "first_fixed" or "known_not_affected" => AffectedStatus.Unaffected,
                        _ => AffectedStatus.Unknown,
                    };
                    foreach (var pid in list.Value.ValueKind == JsonValueKind.Array ? list.Value.EnumerateArray() : default)
                    {
                        if (pid.ValueKind == JsonValueKind.String && products.TryGetValue(pid.GetString()!, out var p))
                        {
                            rules.Add(Rule(p, state, $"csaf product_status.{list.Name} {pid.GetString()}"));
                        }
                    }
                }
            }
            var metrics = new List<CvssScore>();
            foreach (var score in Array(v, "scores"))
            {
                foreach (var (key, fallback) in new[] { ("cvss_v3", "3.1"), ("cvss_v2", "2.0") })
                {
                    if (score.TryGetProperty(key, out var cvss) && cvss.ValueKind == JsonValueKind.Object && cvss.TryGetProperty("baseScore", out var b)
                        && b.TryGetDouble(out var value) && Str(cvss, "vectorString") is { } vector)
                    {
                        metrics.Add(new CvssScore(Str(cvss, "version") ?? fallback, value, vector, Str(cvss, "baseSeverity") ?? (value >= 7 ? "HIGH" : value >= 4 ? "MEDIUM" : "LOW"), source));
                    }
                }
            }
            var descriptions = Array(v, "notes").Where(x => Str(x, "category") is "description" or "summary" or "details")
                .Select(x => new LocalizedText(lang, Cut(Str(x, "text") ?? "", 32_768))).Where(x => x.Text.Length > 0).ToList();
            var cwe = v.TryGetProperty("cwe", out var c) && Str(c, "id") is { } cweId ? new List<string> { cweId } : [];
            var references = Array(v, "references").Select(r => Str(r, "url")).OfType<string>().Concat(documentReferences).Distinct().Take(200).ToList();
            var released = Date(Str(v, "release_date")) ?? Date(Str(tracking, "initial_release_date"));
            records.Add(new VulnerabilityRecord(id, source, version, VulnerabilityState.Published, Cut(Str(v, "title") ?? Str(document, "title") ?? id, 512),
                descriptions, released, Date(Str(tracking, "current_release_date")), metrics, cwe, references, rules, null));
        }
        return records;
    }

    private static AffectedRule Rule(Product p, AffectedStatus status, string evidence)
    {
        var versions = new List<VersionRange>();
        if (p.Version is { } exact)
        {
            versions.Add(new VersionRange(status, exact));
        }
        else if (p.Range is { } range)
        {
            versions.AddRange(Vers(range, status));
        }
        var selector = new ProductSelector(p.Vendor, p.Name ?? p.FullName, p.Cpe is null ? [] : [p.Cpe], p.Purl);
        // No version at all: the status covers the product as named (the CPE or purl may name the version itself).
        return new AffectedRule(selector, versions, versions.Count == 0 ? status : AffectedStatus.Unknown,
            p.Platform is null ? evidence : $"{evidence} (on {p.Platform})");
    }

    /// <summary>"vers:semver/&gt;=1.0|&lt;2.0", "&lt;=4.2", "&gt;=1.0 &lt;2.0": ranges; anything unreadable gives none.</summary>
    internal static IEnumerable<VersionRange> Vers(string text, AffectedStatus status)
    {
        var scheme = "generic";
        var body = text.Trim();
        if (body.StartsWith("vers:", StringComparison.OrdinalIgnoreCase))
        {
            var slash = body.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                yield break;
            }
            scheme = body[5..slash].ToLowerInvariant();
            body = body[(slash + 1)..];
        }
        if (body == "*")
        {
            yield return new VersionRange(status, "0", "*", null, scheme);
            yield break;
        }
        string? start = null;
        var excluding = false;
        body = System.Text.RegularExpressions.Regex.Replace(body, @"(>=|<=|!=|>|<|=)\s+", "$1", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100));
        foreach (var raw in body.Split(['|', ' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            var c = raw.Trim();
            var op = c.StartsWith(">=", StringComparison.Ordinal) || c.StartsWith("<=", StringComparison.Ordinal) || c.StartsWith("!=", StringComparison.Ordinal) ? c[..2]
                : c.StartsWith('>') || c.StartsWith('<') || c.StartsWith('=') ? c[..1] : "=";
            var value = c[(op == "=" && !c.StartsWith('=') ? 0 : op.Length)..];
            switch (op)
            {
                case ">=" or ">":
                    (start, excluding) = (value, op == ">");
                    break;
                case "<":
                    yield return new VersionRange(status, start ?? "0", value, null, scheme, null, excluding);
                    (start, excluding) = (null, false);
                    break;
                case "<=":
                    yield return new VersionRange(status, start ?? "0", null, value, scheme, null, excluding);
                    (start, excluding) = (null, false);
                    break;
                case "=":
                    yield return new VersionRange(status, value, null, null, scheme);
                    break;
            }
        }
        if (start is not null)
        {
            yield return new VersionRange(status, start, "*", null, scheme, null, excluding);
        }
    }

    private static Dictionary<string, Product> Products(JsonElement root)
    {
        var products = new Dictionary<string, Product>(StringComparer.Ordinal);
        if (!root.TryGetProperty("product_tree", out var tree) || tree.ValueKind != JsonValueKind.Object)
        {
            return products;
        }
        void Walk(JsonElement branches, string? vendor, string? name, int depth)
        {
            if (depth > 30)
            {
                return;
            }
            foreach (var b in branches.ValueKind == JsonValueKind.Array ? branches.EnumerateArray() : default)
            {
                var category = Str(b, "category");
                var label = Str(b, "name");
                var v = category == "vendor" ? label : vendor;
                var p = category is "product_name" or "product_family" ? label : name;
                if (b.TryGetProperty("product", out var product) && Str(product, "product_id") is { } id)
                {
                    var (cpe, purl) = Helpers(product);
                    products.TryAdd(id, new Product(v, p, category == "product_version" ? label : null, category == "product_version_range" ? label : null,
                        cpe, purl, Str(product, "name") ?? id, null));
                }
                if (b.TryGetProperty("branches", out var inner))
                {
                    Walk(inner, v, p, depth + 1);
                }
            }
        }
        if (tree.TryGetProperty("branches", out var branches))
        {
            Walk(branches, null, null, 0);
        }
        foreach (var f in Array(tree, "full_product_names"))
        {
            if (Str(f, "product_id") is { } id)
            {
                var (cpe, purl) = Helpers(f);
                products.TryAdd(id, new Product(null, null, null, null, cpe, purl, Str(f, "name") ?? id, null));
            }
        }
        foreach (var r in Array(tree, "relationships"))
        {
            if (r.TryGetProperty("full_product_name", out var f) && Str(f, "product_id") is { } id && Str(r, "product_reference") is { } component
                && products.TryGetValue(component, out var inner))
            {
                var platform = Str(r, "relates_to_product_reference") is { } on && products.TryGetValue(on, out var p) ? p.FullName : null;
                products.TryAdd(id, inner with { Platform = platform });
            }
        }
        return products;
    }

    private static (string? Cpe, string? Purl) Helpers(JsonElement product) =>
        product.TryGetProperty("product_identification_helper", out var h) && h.ValueKind == JsonValueKind.Object ? (Str(h, "cpe"), Str(h, "purl")) : (null, null);

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Take(10_000) : [];

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];

    private static DateTimeOffset? Date(string? s) =>
        s is not null && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
