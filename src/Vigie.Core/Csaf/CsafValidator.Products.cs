using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Vigie.Core.Csaf;

/// <summary>The mandatory tests on product definitions (purl, version names) and on flags per product.</summary>
public static partial class CsafValidator
{
    private static IEnumerable<CsafFinding> Purl(JsonNode doc)
    {
        foreach (var (product, path) in ProductDefinitionNodes(doc))
        {
            if (Str(product?["product_identification_helper"]?["purl"]) is { } purl && !IsValidPurl(purl))
            {
                yield return new CsafFinding("6.1.13", $"{path}/product_identification_helper/purl", $"{purl} is not a valid package URL");
            }
        }
    }

    /// <summary>
    /// The package URL grammar: "pkg:", a type (a letter, then letters, digits, '.', '+', '-'), optional namespace
    /// segments, a non-empty name, an optional version, qualifiers as key=value (keys: a letter, then letters, digits,
    /// '.', '-', '_'; values not empty), an optional subpath; every percent sign starting a valid escape.
    /// </summary>
    private static bool IsValidPurl(string purl)
    {
        if (!purl.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase) || PercentEscape().IsMatch(purl)
            || !Vulnerabilities.Matching.PackageUrl.TryParse(purl, out _))
        {
            return false;
        }
        var rest = purl[4..].TrimStart('/');
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            rest = rest[..hash];
        }
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            var qualifiers = rest[(query + 1)..].Split('&');
            if (qualifiers.Any(q => !Qualifier().IsMatch(q)))
            {
                return false;
            }
            rest = rest[..query];
        }
        var at = rest.LastIndexOf('@');
        if (at > rest.LastIndexOf('/'))
        {
            rest = rest[..at];
        }
        var segments = rest.TrimEnd('/').Split('/');
        return PurlType().IsMatch(segments[0]) && segments.Length >= 2 && segments[^1].Length > 0;
    }

    [GeneratedRegex("%(?![0-9A-Fa-f]{2})")]
    private static partial Regex PercentEscape();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9.+-]*$")]
    private static partial Regex PurlType();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9._-]*=.+$")]
    private static partial Regex Qualifier();

    /// <summary>Words that make a product_version name a range ("prior to 4.2", "3.x versions", "all").</summary>
    private static readonly HashSet<string> RangeWords = new(["after", "all", "before", "earlier", "later", "prior", "versions"], StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<CsafFinding> VersionRangeInProductVersion(JsonNode doc)
    {
        var stack = new Stack<(JsonNode? Branches, string Path)>([(doc["product_tree"]?["branches"], "/product_tree/branches")]);
        while (stack.Count > 0)
        {
            var (branches, path) = stack.Pop();
            foreach (var (b, i) in Items(branches))
            {
                if (Str(b?["category"]) == "product_version" && Str(b?["name"]) is { } name
                    && (name.Contains('<') || name.Contains('>') || name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Any(RangeWords.Contains)))
                {
                    yield return new CsafFinding("6.1.31", $"{path}/{i}/name", $"the product version {name} is a version range (use product_version_range)");
                }
                stack.Push((b?["branches"], $"{path}/{i}/branches"));
            }
        }
    }

    private static IEnumerable<CsafFinding> MultipleVexFlags(JsonNode doc)
    {
        var groups = Groups(doc);
        foreach (var (v, i) in Items(doc["vulnerabilities"]))
        {
            var flagged = Items(v?["flags"]).SelectMany(f => ProductsOf(f.Item, groups).Select(p => (Product: p, f.Index)));
            foreach (var g in flagged.GroupBy(x => x.Product, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                yield return new CsafFinding("6.1.33", $"/vulnerabilities/{i}/flags/{g.Last().Index}", $"product {g.Key} has more than one flag");
            }
        }
    }
}
