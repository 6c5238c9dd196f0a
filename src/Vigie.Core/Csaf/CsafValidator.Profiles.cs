using System.Text.Json.Nodes;

namespace Vigie.Core.Csaf;

/// <summary>The profile tests (§6.1.27): what each document category (profile) requires besides CSAF Base.</summary>
public static partial class CsafValidator
{
    private static bool Category(JsonNode doc, params string[] categories) =>
        Str(doc["document"]?["category"]) is { } category && categories.Contains(category, StringComparer.Ordinal);

    private static IEnumerable<CsafFinding> ProfileDocumentNotes(JsonNode doc)
    {
        if (Category(doc, "csaf_informational_advisory", "csaf_security_incident_response")
            && !Items(doc["document"]?["notes"]).Any(n => Str(n.Item?["category"]) is "description" or "details" or "general" or "summary"))
        {
            yield return new CsafFinding("6.1.27.1", "/document/notes", "the profile requires a document note of category description, details, general or summary");
        }
    }

    private static IEnumerable<CsafFinding> ProfileDocumentReferences(JsonNode doc)
    {
        if (Category(doc, "csaf_informational_advisory", "csaf_security_incident_response")
            && !Items(doc["document"]?["references"]).Any(r => Str(r.Item?["category"]) == "external"))
        {
            yield return new CsafFinding("6.1.27.2", "/document/references", "the profile requires an external document reference");
        }
    }

    private static IEnumerable<CsafFinding> ProfileNoVulnerabilities(JsonNode doc)
    {
        if (Category(doc, "csaf_informational_advisory") && doc["vulnerabilities"] is not null)
        {
            yield return new CsafFinding("6.1.27.3", "/vulnerabilities", "an informational advisory has no vulnerabilities");
        }
    }

    private static IEnumerable<CsafFinding> ProfileProductTree(JsonNode doc)
    {
        if (Category(doc, "csaf_security_advisory", "csaf_vex") && doc["product_tree"] is null)
        {
            yield return new CsafFinding("6.1.27.4", "/product_tree", "the profile requires a product tree");
        }
    }

    private static IEnumerable<CsafFinding> ProfileVulnerabilities(JsonNode doc)
    {
        if (Category(doc, "csaf_security_advisory", "csaf_vex") && doc["vulnerabilities"] is null)
        {
            yield return new CsafFinding("6.1.27.11", "/vulnerabilities", "the profile requires vulnerabilities");
        }
    }

    private static IEnumerable<CsafFinding> ProfileVulnerabilityNotes(JsonNode doc) =>
        Category(doc, "csaf_security_advisory", "csaf_vex")
            ? Items(doc["vulnerabilities"]).Where(v => v.Item?["notes"] is null)
                .Select(v => new CsafFinding("6.1.27.5", $"/vulnerabilities/{v.Index}", "the profile requires notes on each vulnerability"))
            : [];

    private static IEnumerable<CsafFinding> ProfileProductStatus(JsonNode doc) =>
        Category(doc, "csaf_security_advisory")
            ? Items(doc["vulnerabilities"]).Where(v => v.Item?["product_status"] is null)
                .Select(v => new CsafFinding("6.1.27.6", $"/vulnerabilities/{v.Index}", "the profile requires a product status on each vulnerability"))
            : [];

    private static IEnumerable<CsafFinding> ProfileVexProductStatus(JsonNode doc) =>
        Category(doc, "csaf_vex")
            ? Items(doc["vulnerabilities"])
                .Where(v => !new[] { "fixed", "known_affected", "known_not_affected", "under_investigation" }.Any(s => v.Item?["product_status"]?[s] is not null))
                .Select(v => new CsafFinding("6.1.27.7", $"/vulnerabilities/{v.Index}/product_status", "a VEX vulnerability needs fixed, known_affected, known_not_affected or under_investigation"))
            : [];

    private static IEnumerable<CsafFinding> ProfileVulnerabilityId(JsonNode doc) =>
        Category(doc, "csaf_vex")
            ? Items(doc["vulnerabilities"]).Where(v => v.Item?["cve"] is null && v.Item?["ids"] is null)
                .Select(v => new CsafFinding("6.1.27.8", $"/vulnerabilities/{v.Index}", "a VEX vulnerability needs a cve or ids"))
            : [];

    private static IEnumerable<CsafFinding> ProfileImpactStatement(JsonNode doc) =>
        Category(doc, "csaf_vex") ? Statements(doc, "known_not_affected", "6.1.27.9", "impact statement (flag or impact threat)", (v, groups) =>
            [.. Items(v?["flags"]).SelectMany(f => ProductsOf(f.Item, groups)),
             .. Items(v?["threats"]).Where(t => Str(t.Item?["category"]) == "impact").SelectMany(t => ProductsOf(t.Item, groups))]) : [];

    private static IEnumerable<CsafFinding> ProfileActionStatement(JsonNode doc) =>
        Category(doc, "csaf_vex") ? Statements(doc, "known_affected", "6.1.27.10", "action statement (remediation)", (v, groups) =>
            [.. Items(v?["remediations"]).SelectMany(r => ProductsOf(r.Item, groups))]) : [];

    /// <summary>Each product of a status list must be covered by a statement (the products <paramref name="covered"/> names).</summary>
    private static IEnumerable<CsafFinding> Statements(JsonNode doc, string status, string test, string what,
        Func<JsonNode?, Dictionary<string, List<string>>, IEnumerable<string>> covered)
    {
        var groups = Groups(doc);
        foreach (var (v, i) in Items(doc["vulnerabilities"]))
        {
            var with = covered(v, groups).ToHashSet(StringComparer.Ordinal);
            foreach (var (id, j) in Items(v?["product_status"]?[status]))
            {
                if (Str(id) is { } product && !with.Contains(product))
                {
                    yield return new CsafFinding(test, $"/vulnerabilities/{i}/product_status/{status}/{j}", $"product {product} has no {what}");
                }
            }
        }
    }

    /// <summary>Product group id → its product ids.</summary>
    private static Dictionary<string, List<string>> Groups(JsonNode doc)
    {
        var groups = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (g, _) in Items(doc["product_tree"]?["product_groups"]))
        {
            if (Str(g?["group_id"]) is { } id)
            {
                groups.TryAdd(id, [.. Items(g?["product_ids"]).Select(p => Str(p.Item)).OfType<string>()]);
            }
        }
        return groups;
    }

    /// <summary>The products a flag, threat or remediation is about: its product_ids and the members of its group_ids.</summary>
    private static IEnumerable<string> ProductsOf(JsonNode? statement, Dictionary<string, List<string>> groups) =>
        Items(statement?["product_ids"]).Select(p => Str(p.Item)).OfType<string>()
            .Concat(Items(statement?["group_ids"]).Select(g => Str(g.Item)).OfType<string>().SelectMany(g => groups.GetValueOrDefault(g) ?? []))
            .Distinct(StringComparer.Ordinal);
}
