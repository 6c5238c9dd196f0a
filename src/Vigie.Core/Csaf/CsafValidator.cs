using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Vigie.Core.Csaf;

/// <summary>One finding of a CSAF check: which test, where (JSON pointer), what.</summary>
public sealed record CsafFinding(string Test, string InstancePath, string Message);

/// <summary>
/// Checks a CSAF 2.0 document: the official JSON schema (with FIRST's CVSS schemas, all embedded) and the mandatory
/// tests of CSAF 2.0 §6.1 that Vigie implements (<see cref="Implemented"/>). Each test is checked against the OASIS
/// conformance set (csaf_2.0/test/validator/data, testcases.json) in the test suite.
/// </summary>
public static partial class CsafValidator
{
    /// <summary>The mandatory tests implemented, by their section number.</summary>
    public static readonly IReadOnlyDictionary<string, Func<JsonNode, IEnumerable<CsafFinding>>> Implemented =
        new Dictionary<string, Func<JsonNode, IEnumerable<CsafFinding>>>(StringComparer.Ordinal)
        {
            ["6.1.1"] = MissingProductId,
            ["6.1.2"] = MultipleProductId,
            ["6.1.3"] = CircularProductId,
            ["6.1.4"] = MissingGroupId,
            ["6.1.5"] = MultipleGroupId,
            ["6.1.6"] = ContradictingStatus,
            ["6.1.7"] = MultipleScoresPerVersion,
            ["6.1.8"] = InvalidCvss,
            ["6.1.9"] = InvalidCvssComputation,
            ["6.1.10"] = InconsistentCvss,
            ["6.1.12"] = Language,
            ["6.1.13"] = Purl,
            ["6.1.14"] = SortedRevisionHistory,
            ["6.1.15"] = Translator,
            ["6.1.16"] = LatestDocumentVersion,
            ["6.1.17"] = DocumentStatusDraft,
            ["6.1.18"] = ReleasedRevisionHistory,
            ["6.1.19"] = PreReleaseRevisions,
            ["6.1.20"] = NonDraftDocumentVersion,
            ["6.1.21"] = MissingRevision,
            ["6.1.22"] = MultipleRevisionNumbers,
            ["6.1.23"] = MultipleCve,
            ["6.1.24"] = MultipleInvolvements,
            ["6.1.25"] = MultipleHashAlgorithms,
            ["6.1.26"] = ProhibitedCategoryName,
            ["6.1.27.1"] = ProfileDocumentNotes,
            ["6.1.27.2"] = ProfileDocumentReferences,
            ["6.1.27.3"] = ProfileNoVulnerabilities,
            ["6.1.27.4"] = ProfileProductTree,
            ["6.1.27.5"] = ProfileVulnerabilityNotes,
            ["6.1.27.6"] = ProfileProductStatus,
            ["6.1.27.7"] = ProfileVexProductStatus,
            ["6.1.27.8"] = ProfileVulnerabilityId,
            ["6.1.27.9"] = ProfileImpactStatement,
            ["6.1.27.10"] = ProfileActionStatement,
            ["6.1.27.11"] = ProfileVulnerabilities,
            ["6.1.28"] = Translation,
            ["6.1.29"] = RemediationWithoutProduct,
            ["6.1.30"] = MixedVersioning,
            ["6.1.31"] = VersionRangeInProductVersion,
            ["6.1.32"] = FlagWithoutProduct,
            ["6.1.33"] = MultipleVexFlags,
        };

    private static readonly Lazy<JsonSchema> Schema = new(LoadSchema);

    /// <summary>FIRST's CVSS schemas by version ("2.0", "3.0", "3.1"), filled when <see cref="Schema"/> is loaded.</summary>
    private static readonly Dictionary<string, JsonSchema> CvssSchemas = new(StringComparer.Ordinal);

    private static JsonSchema LoadSchema()
    {
        var assembly = typeof(CsafValidator).Assembly;
        string Text(string name)
        {
            using var stream = assembly.GetManifestResourceStream($"Vigie.Core.Csaf.{name}")
                ?? throw new InvalidOperationException($"Missing embedded schema {name}.");
            return new StreamReader(stream).ReadToEnd();
        }
        foreach (var version in new[] { "2.0", "3.0", "3.1" })
        {
            // FIRST's files carry their licence text in a "license" member, which is no schema keyword, and the v2.0/v3.0
            // ones declare draft-04 (with "id"), which the library does not read: the keywords they use mean the same in
            // draft-07 (no boolean exclusiveMinimum, no "id"-based references), so they are read as draft-07.
            var node = JsonNode.Parse(Text($"cvss-v{version}.json"))!.AsObject();
            node.Remove("license");
            node.Remove("id");
            node["$schema"] = "http://json-schema.org/draft-07/schema#";
            var cvss = JsonSchema.FromText(node.ToJsonString(), new BuildOptions { SchemaRegistry = SchemaRegistry.Global }, new Uri($"https://www.first.org/cvss/cvss-v{version}.json"));
            SchemaRegistry.Global.Register(new Uri($"https://www.first.org/cvss/cvss-v{version}.json"), cvss);
            CvssSchemas[version] = cvss;
        }
        return JsonSchema.FromText(Text("csaf_json_schema.json"));
    }

    /// <summary>Schema findings (each failing location with its message).</summary>
    public static IReadOnlyList<CsafFinding> CheckSchema(JsonElement document)
    {
        var result = Schema.Value.Evaluate(document, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
        {
            return [];
        }
        return [.. (result.Details ?? []).Where(d => !d.IsValid && d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => new CsafFinding("schema", d.InstanceLocation.ToString(), $"{e.Key}: {e.Value}")))
            .Distinct()];
    }

    /// <summary>
    /// The tests without which a vendor's document cannot be read reliably (product and group ids defined once, not
    /// circular, no contradicting status): with the schema, what refuses a document on import. Other findings (a CVSS
    /// score that does not match its vector, a sloppy revision history…) are reported, and the document is still read:
    /// a watch that drops a vendor's advisory for a rounding error would miss the vulnerability.
    /// </summary>
    public static readonly IReadOnlySet<string> NeededToRead = new HashSet<string>(StringComparer.Ordinal) { "schema", "6.1.1", "6.1.2", "6.1.3", "6.1.4", "6.1.5", "6.1.6" };

    /// <summary>The schema, then every implemented mandatory test.</summary>
    public static IReadOnlyList<CsafFinding> Validate(JsonElement document)
    {
        var node = JsonNode.Parse(document.GetRawText())!;
        return [.. CheckSchema(document), .. Implemented.SelectMany(t => t.Value(node))];
    }

    // ------------------------------------------------------------------ product ids

    /// <summary>Where products are defined: full_product_names, branches' products (recursively), relationships.</summary>
    private static IEnumerable<(string Id, string Path)> ProductDefinitions(JsonNode doc)
    {
        var tree = doc["product_tree"];
        if (tree is null)
        {
            yield break;
        }
        foreach (var (p, i) in Items(tree["full_product_names"]))
        {
            if (Str(p?["product_id"]) is { } id)
            {
                yield return (id, $"/product_tree/full_product_names/{i}/product_id");
            }
        }
        foreach (var found in Branches(tree["branches"], "/product_tree/branches"))
        {
            yield return found;
        }
        foreach (var (r, i) in Items(tree["relationships"]))
        {
            if (Str(r?["full_product_name"]?["product_id"]) is { } id)
            {
                yield return (id, $"/product_tree/relationships/{i}/full_product_name/product_id");
            }
        }
    }

    private static IEnumerable<(string Id, string Path)> Branches(JsonNode? branches, string path)
    {
        foreach (var (b, i) in Items(branches))
        {
            if (Str(b?["product"]?["product_id"]) is { } id)
            {
                yield return (id, $"{path}/{i}/product/product_id");
            }
            foreach (var inner in Branches(b?["branches"], $"{path}/{i}/branches"))
            {
                yield return inner;
            }
        }
    }

    /// <summary>Every place a product id is referred to.</summary>
    private static IEnumerable<(string Id, string Path)> ProductReferences(JsonNode doc)
    {
        var tree = doc["product_tree"];
        foreach (var (g, i) in Items(tree?["product_groups"]))
        {
            foreach (var (id, j) in Items(g?["product_ids"]))
            {
                yield return (Str(id)!, $"/product_tree/product_groups/{i}/product_ids/{j}");
            }
        }
        foreach (var (r, i) in Items(tree?["relationships"]))
        {
            if (Str(r?["product_reference"]) is { } a)
            {
                yield return (a, $"/product_tree/relationships/{i}/product_reference");
            }
            if (Str(r?["relates_to_product_reference"]) is { } b)
            {
                yield return (b, $"/product_tree/relationships/{i}/relates_to_product_reference");
            }
        }
        foreach (var (v, i) in Items(doc["vulnerabilities"]))
        {
            if (v?["product_status"] is JsonObject status)
            {
                foreach (var (key, list) in status)
                {
                    foreach (var (id, j) in Items(list))
                    {
                        yield return (Str(id)!, $"/vulnerabilities/{i}/product_status/{key}/{j}");
                    }
                }
            }
            foreach (var field in new[] { "remediations", "threats", "flags" })
            {
                foreach (var (x, j) in Items(v?[field]))
                {
                    foreach (var (id, k) in Items(x?["product_ids"]))
                    {
                        yield return (Str(id)!, $"/vulnerabilities/{i}/{field}/{j}/product_ids/{k}");
                    }
                }
            }
            foreach (var (s, j) in Items(v?["scores"]))
            {
                foreach (var (id, k) in Items(s?["products"]))
                {
                    yield return (Str(id)!, $"/vulnerabilities/{i}/scores/{j}/products/{k}");
                }
            }
        }
    }

    private static IEnumerable<CsafFinding> MissingProductId(JsonNode doc)
    {
        var defined = ProductDefinitions(doc).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        return ProductReferences(doc).Where(r => r.Id is not null && !defined.Contains(r.Id))
            .Select(r => new CsafFinding("6.1.1", r.Path, $"definition of product id {r.Id} missing"));
    }

    private static IEnumerable<CsafFinding> MultipleProductId(JsonNode doc) =>
        ProductDefinitions(doc).GroupBy(d => d.Id, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .SelectMany(g => g.Skip(1).Select(d => new CsafFinding("6.1.2", d.Path, $"product id {g.Key} defined more than once")));

    private static IEnumerable<CsafFinding> CircularProductId(JsonNode doc)
    {
        foreach (var (r, i) in Items(doc["product_tree"]?["relationships"]))
        {
            var id = Str(r?["full_product_name"]?["product_id"]);
            if (id is not null && (id == Str(r?["product_reference"]) || id == Str(r?["relates_to_product_reference"])))
            {
                yield return new CsafFinding("6.1.3", $"/product_tree/relationships/{i}/full_product_name/product_id", $"product id {id} is defined by a relationship to itself");
            }
        }
    }

    // ------------------------------------------------------------------ product groups

    private static IEnumerable<CsafFinding> MissingGroupId(JsonNode doc)
    {
        var defined = Items(doc["product_tree"]?["product_groups"]).Select(g => Str(g.Item?["group_id"])).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var (v, i) in Items(doc["vulnerabilities"]))
        {
            foreach (var field in new[] { "remediations", "threats", "flags" })
            {
                foreach (var (x, j) in Items(v?[field]))
                {
                    foreach (var (id, k) in Items(x?["group_ids"]))
                    {
                        if (Str(id) is { } g && !defined.Contains(g))
                        {
                            yield return new CsafFinding("6.1.4", $"/vulnerabilities/{i}/{field}/{j}/group_ids/{k}", $"definition of product group id {g} missing");
                        }
                    }
                }
            }
        }
    }

    private static IEnumerable<CsafFinding> MultipleGroupId(JsonNode doc) =>
        Items(doc["product_tree"]?["product_groups"]).Select(g => (Id: Str(g.Item?["group_id"]), g.Index)).Where(g => g.Id is not null)
            .GroupBy(g => g.Id, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .SelectMany(g => g.Skip(1).Select(x => new CsafFinding("6.1.5", $"/product_tree/product_groups/{x.Index}/group_id", $"product group id {g.Key} defined more than once")));

    // ------------------------------------------------------------------ product status

    private static IEnumerable<CsafFinding> ContradictingStatus(JsonNode doc)
    {
        var groups = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["first_affected"] = "affected", ["known_affected"] = "affected", ["last_affected"] = "affected",
            ["known_not_affected"] = "not affected",
            ["first_fixed"] = "fixed", ["fixed"] = "fixed",
            ["under_investigation"] = "under investigation",
        };
        foreach (var (v, i) in Items(doc["vulnerabilities"]))
        {
            if (v?["product_status"] is not JsonObject status)
            {
                continue;
            }
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, list) in status)
            {
                if (!groups.TryGetValue(key, out var group))
                {
                    continue;
                }
                foreach (var (id, j) in Items(list))
                {
                    if (Str(id) is not { } product)
                    {
                        continue;
                    }
                    if (seen.TryGetValue(product, out var other) && other != group)
                    {
                        yield return new CsafFinding("6.1.6", $"/vulnerabilities/{i}/product_status/{key}/{j}", $"product {product} is both {other} and {group}");
                    }
                    seen.TryAdd(product, group);
                }
            }
        }
    }

    // ------------------------------------------------------------------ revision history

    private static List<(JsonNode? Item, int Index)> Revisions(JsonNode doc) => [.. Items(doc["document"]?["tracking"]?["revision_history"])];

    private static IEnumerable<CsafFinding> SortedRevisionHistory(JsonNode doc)
    {
        var items = Revisions(doc).Select(r => (Number: Str(r.Item?["number"]), Date: Date(Str(r.Item?["date"])), r.Index)).ToList();
        if (items.Any(x => x.Number is null || x.Date is null))
        {
            yield break;
        }
        // Sorted by number, the dates never go back (revisions of the same instant may come in any order).
        var byNumber = items.OrderBy(x => x.Number!, VersionOrder).ThenBy(x => x.Index).ToList();
        if (byNumber.Zip(byNumber.Skip(1)).Any(pair => pair.Second.Date < pair.First.Date))
        {
            yield return new CsafFinding("6.1.14", "/document/tracking/revision_history", "the revision history is not sorted by number when sorted by date");
        }
    }

    private static IEnumerable<CsafFinding> MultipleRevisionNumbers(JsonNode doc) =>
        Revisions(doc).Select(r => (Number: Str(r.Item?["number"]), r.Index)).Where(r => r.Number is not null)
            .GroupBy(r => r.Number, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .SelectMany(g => g.Select(x => new CsafFinding("6.1.22", $"/document/tracking/revision_history/{x.Index}", $"revision number {g.Key} appears more than once")));

    // ------------------------------------------------------------------ vulnerabilities

    private static IEnumerable<CsafFinding> MultipleCve(JsonNode doc) =>
        Items(doc["vulnerabilities"]).Select(v => (Cve: Str(v.Item?["cve"]), v.Index)).Where(v => v.Cve is not null)
            .GroupBy(v => v.Cve, StringComparer.Ordinal).Where(g => g.Count() > 1)
            .SelectMany(g => g.Select(x => new CsafFinding("6.1.23", $"/vulnerabilities/{x.Index}/cve", $"{g.Key} is used by more than one vulnerability")));

    private static IEnumerable<CsafFinding> MultipleInvolvements(JsonNode doc)
    {
        foreach (var (v, i) in Items(doc["vulnerabilities"]))
        {
            var involvements = Items(v?["involvements"]).Select(x => (Key: $"{Str(x.Item?["party"])}\u0001{Date(Str(x.Item?["date"]))?.UtcTicks}", x.Index)).ToList();
            foreach (var g in involvements.GroupBy(x => x.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                foreach (var x in g)
                {
                    yield return new CsafFinding("6.1.24", $"/vulnerabilities/{i}/involvements/{x.Index}", "the same party and date appear in more than one involvement");
                }
            }
        }
    }

    private static IEnumerable<CsafFinding> MultipleHashAlgorithms(JsonNode doc)
    {
        foreach (var (id, path) in ProductDefinitionNodes(doc))
        {
            foreach (var (h, i) in Items(id?["product_identification_helper"]?["hashes"]))
            {
                var algorithms = Items(h?["file_hashes"]).Select(f => (Algorithm: Str(f.Item?["algorithm"]), f.Index)).Where(f => f.Algorithm is not null).ToList();
                foreach (var g in algorithms.GroupBy(a => a.Algorithm, StringComparer.Ordinal).Where(g => g.Count() > 1))
                {
                    foreach (var x in g)
                    {
                        yield return new CsafFinding("6.1.25", $"{path}/product_identification_helper/hashes/{i}/file_hashes/{x.Index}", $"hash algorithm {g.Key} used more than once");
                    }
                }
            }
        }
    }

    /// <summary>The product objects (full product names) wherever they are defined, with their path.</summary>
    private static IEnumerable<(JsonNode? Product, string Path)> ProductDefinitionNodes(JsonNode doc)
    {
        var tree = doc["product_tree"];
        foreach (var (p, i) in Items(tree?["full_product_names"]))
        {
            yield return (p, $"/product_tree/full_product_names/{i}");
        }
        foreach (var (r, i) in Items(tree?["relationships"]))
        {
            yield return (r?["full_product_name"], $"/product_tree/relationships/{i}/full_product_name");
        }
        var stack = new Stack<(JsonNode? Branches, string Path)>([(tree?["branches"], "/product_tree/branches")]);
        while (stack.Count > 0)
        {
            var (branches, path) = stack.Pop();
            foreach (var (b, i) in Items(branches))
            {
                if (b?["product"] is { } product)
                {
                    yield return (product, $"{path}/{i}/product");
                }
                stack.Push((b?["branches"], $"{path}/{i}/branches"));
            }
        }
    }

    private static IEnumerable<CsafFinding> RemediationWithoutProduct(JsonNode doc) => WithoutProduct(doc, "remediations", "6.1.29", "remediation");

    private static IEnumerable<CsafFinding> FlagWithoutProduct(JsonNode doc) => WithoutProduct(doc, "flags", "6.1.32", "flag");

    private static IEnumerable<CsafFinding> WithoutProduct(JsonNode doc, string field, string test, string what)
    {
        foreach (var (v, i) in Items(doc["vulnerabilities"]))
        {
            foreach (var (x, j) in Items(v?[field]))
            {
                if (x?["product_ids"] is null && x?["group_ids"] is null)
                {
                    yield return new CsafFinding(test, $"/vulnerabilities/{i}/{field}/{j}", $"the {what} names no product_ids and no group_ids");
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static IEnumerable<(JsonNode? Item, int Index)> Items(JsonNode? node) =>
        node is JsonArray array ? array.Select((item, index) => (item, index)) : [];

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static DateTimeOffset? Date(string? s) =>
        s is not null && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    /// <summary>Revision numbers: integers numerically, semantic versions by precedence.</summary>
    private static readonly Comparer<string> VersionOrder = Comparer<string>.Create((a, b) =>
        Vulnerabilities.Matching.VersionComparer.Compare(a, b, "semver") ?? string.CompareOrdinal(a, b));
}
