using System.Globalization;
using System.Text.Json.Nodes;
using Vigie.Core.Vulnerabilities.Matching;

namespace Vigie.Core.Advisories;

/// <summary>Who publishes: the team, as CSAF's <c>document/publisher</c>.</summary>
/// <param name="Name">The team's name.</param>
/// <param name="Namespace">The team's public URL (a URI the team controls).</param>
/// <param name="ContactDetails">How to reach it (an address).</param>
public sealed record CsafPublisher(string Name, string Namespace, string? ContactDetails);

/// <summary>
/// Writes a bulletin as a CSAF 2.0 document of the <c>csaf_security_advisory</c> profile (OASIS CSAF 2.0 §3 and §4.5):
/// publisher (category coordinator), tracking with the revision history, TLP, notes, references, a product tree
/// vendor → product → version or version range (vers), and one vulnerability per CVE with its product status,
/// remediations (vendor fix, workaround) and CVSS v3 score. Shaped to pass the schema and the mandatory tests (§6.1):
/// every product id defined once, a draft is version 0, a published document's version is its latest revision,
/// at least one external reference, notes on the document and on each vulnerability.
/// </summary>
public static class CsafWriter
{
    /// <summary>CSAF 2.0 knows TLP 1.0 labels: CLEAR is WHITE, AMBER+STRICT is written AMBER (the stricter rule is said in the document's notes).</summary>
    public static string CsafTlp(string tlp) => tlp.ToUpperInvariant() switch
    {
        "CLEAR" or "WHITE" => "WHITE",
        "GREEN" => "GREEN",
        "AMBER" or "AMBER+STRICT" => "AMBER",
        _ => "RED",
    };

    public static JsonObject Write(AdvisoryDocument a, CsafPublisher publisher, string lang, DateTimeOffset now, string generatorVersion)
    {
        var text = a.In(lang);
        var published = a.Published;
        var revisions = published
            ? a.Revisions.OrderBy(r => r.Number).Select(r => (JsonNode)new JsonObject
            {
                ["date"] = Date(r.Date),
                ["number"] = r.Number.ToString(CultureInfo.InvariantCulture),
                ["summary"] = r.Summary,
            }).ToArray()
            : [new JsonObject { ["date"] = Date(a.CreatedAt), ["number"] = "0", ["summary"] = lang.StartsWith("fr", StringComparison.Ordinal) ? "Brouillon" : "Draft" }];
        var version = published ? a.Revisions.Max(r => r.Number).ToString(CultureInfo.InvariantCulture) : "0";
        var initial = published ? a.Revisions.Min(r => r.Date) : a.CreatedAt;
        var current = published ? a.Revisions.Max(r => r.Date) : a.CreatedAt;

        var notes = new JsonArray { Note("summary", lang.StartsWith("fr", StringComparison.Ordinal) ? "Résumé" : "Summary", text.Summary) };
        if (a.Tlp.Equals("AMBER+STRICT", StringComparison.OrdinalIgnoreCase))
        {
            notes.Add(Note("legal_disclaimer", "TLP:AMBER+STRICT",
                "TLP:AMBER+STRICT: the recipient may share this only within its own organisation (CSAF 2.0 can only label it AMBER)."));
        }

        var references = new JsonArray();
        foreach (var url in a.References.Where(IsUrl).Distinct().Take(100))
        {
            references.Add(new JsonObject { ["category"] = "external", ["summary"] = url, ["url"] = url });
        }
        if (references.Count == 0)
        {
            foreach (var cve in a.Cves)
            {
                var url = $"https://www.cve.org/CVERecord?id={cve.Id}";
                references.Add(new JsonObject { ["category"] = "external", ["summary"] = cve.Id, ["url"] = url });
            }
        }

        var (tree, affectedIds, fixedIds) = ProductTree(a.Products);
        var vulnerabilities = new JsonArray();
        foreach (var cve in a.Cves)
        {
            var v = new JsonObject
            {
                ["cve"] = cve.Id,
                ["notes"] = new JsonArray { Note("description", lang.StartsWith("fr", StringComparison.Ordinal) ? "Description" : "Description", cve.Description ?? text.Summary) },
            };
            var status = new JsonObject();
            if (affectedIds.Count > 0)
            {
                status["known_affected"] = new JsonArray([.. affectedIds.Select(id => (JsonNode)id)]);
            }
            if (fixedIds.Count > 0)
            {
                status["fixed"] = new JsonArray([.. fixedIds.Select(id => (JsonNode)id)]);
            }
            v["product_status"] = status;
            var remediations = new JsonArray();
            if (affectedIds.Count > 0 && !string.IsNullOrWhiteSpace(text.Recommendations))
            {
                remediations.Add(new JsonObject { ["category"] = "vendor_fix", ["details"] = text.Recommendations, ["product_ids"] = Ids(affectedIds) });
            }
            if (affectedIds.Count > 0 && !string.IsNullOrWhiteSpace(text.Workarounds))
            {
                remediations.Add(new JsonObject { ["category"] = "workaround", ["details"] = text.Workarounds, ["product_ids"] = Ids(affectedIds) });
            }
            if (remediations.Count > 0)
            {
                v["remediations"] = remediations;
            }
            // The base vector and the score computed from it (a feed's "base" score is sometimes its temporal score).
            if (affectedIds.Count > 0 && Vulnerabilities.Cvss3.TryBase(cve.CvssVector, out var vector, out var score))
            {
                v["scores"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["cvss_v3"] = new JsonObject
                        {
                            ["version"] = vector[5..8],
                            ["vectorString"] = vector,
                            ["baseScore"] = score,
                            ["baseSeverity"] = Severity(score),
                        },
                        ["products"] = Ids(affectedIds),
                    },
                };
            }
            vulnerabilities.Add(v);
        }

        var document = new JsonObject
        {
            ["aggregate_severity"] = new JsonObject { ["text"] = a.Severity },
            ["category"] = "csaf_security_advisory",
            ["csaf_version"] = "2.0",
            ["distribution"] = new JsonObject
            {
                ["tlp"] = new JsonObject { ["label"] = CsafTlp(a.Tlp), ["url"] = "https://www.first.org/tlp/" },
            },
            ["lang"] = lang,
            ["notes"] = notes,
            ["publisher"] = new JsonObject
            {
                ["category"] = "coordinator",
                ["name"] = publisher.Name,
                ["namespace"] = publisher.Namespace,
            },
            ["references"] = references,
            ["title"] = text.Title,
            ["tracking"] = new JsonObject
            {
                ["current_release_date"] = Date(current),
                ["generator"] = new JsonObject
                {
                    ["date"] = Date(now),
                    ["engine"] = new JsonObject { ["name"] = "Vigie", ["version"] = generatorVersion },
                },
                ["id"] = a.TrackingId,
                ["initial_release_date"] = Date(initial),
                ["revision_history"] = new JsonArray(revisions),
                ["status"] = published ? "final" : "draft",
                ["version"] = version,
            },
        };
        if (publisher.ContactDetails is { Length: > 0 } contact)
        {
            document["publisher"]!["contact_details"] = contact;
        }
        return new JsonObject
        {
            ["document"] = document,
            ["product_tree"] = tree,
            ["vulnerabilities"] = vulnerabilities,
        };
    }

    /// <summary>
    /// vendor → product name → version (fixed) or version range (affected), each leaf a product with its id; CPE and
    /// purl helpers on each leaf when known. Returns the ids of affected and fixed leaves.
    /// </summary>
    private static (JsonObject Tree, List<string> Affected, List<string> Fixed) ProductTree(IReadOnlyList<AdvisoryProduct> products)
    {
        var affected = new List<string>();
        var fixedIds = new List<string>();
        var vendors = new JsonArray();
        var n = 0;
        foreach (var vendor in products.GroupBy(p => string.IsNullOrWhiteSpace(p.Vendor) ? "unknown" : p.Vendor.Trim()))
        {
            var names = new JsonArray();
            foreach (var product in vendor.GroupBy(p => p.Product.Trim()))
            {
                var leaves = new JsonArray();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in product)
                {
                    var range = p.Affected is { Length: > 0 } vers ? $"vers:{p.Scheme}/{vers}" : "vers:all/*";
                    if (seen.Add("r" + range))
                    {
                        var id = $"CSAFPID-{++n:0000}";
                        leaves.Add(Leaf("product_version_range", range, $"{vendor.Key} {product.Key} {range}", id, p.Cpe, p.Purl));
                        affected.Add(id);
                    }
                    if (p.Fixed is { Length: > 0 } fix && VersionComparer.IsVersionLike(fix) && seen.Add("v" + fix))
                    {
                        var id = $"CSAFPID-{++n:0000}";
                        leaves.Add(Leaf("product_version", fix, $"{vendor.Key} {product.Key} {fix}", id, null, null));
                        fixedIds.Add(id);
                    }
                }
                names.Add(new JsonObject { ["category"] = "product_name", ["name"] = product.Key, ["branches"] = leaves });
            }
            vendors.Add(new JsonObject { ["category"] = "vendor", ["name"] = vendor.Key, ["branches"] = names });
        }
        return (new JsonObject { ["branches"] = vendors }, affected, fixedIds);
    }

    private static JsonObject Leaf(string category, string name, string fullName, string id, string? cpe, string? purl)
    {
        var product = new JsonObject { ["name"] = fullName, ["product_id"] = id };
        var helper = new JsonObject();
        if (cpe is not null && CpeName.TryParse(cpe, out _) && cpe.StartsWith("cpe:2.3:", StringComparison.Ordinal))
        {
            helper["cpe"] = cpe;
        }
        if (purl is not null && PackageUrl.TryParse(purl, out _))
        {
            helper["purl"] = purl;
        }
        if (helper.Count > 0)
        {
            product["product_identification_helper"] = helper;
        }
        return new JsonObject { ["category"] = category, ["name"] = name, ["product"] = product };
    }

    private static JsonObject Note(string category, string title, string text) =>
        new() { ["category"] = category, ["text"] = text, ["title"] = title };

    private static JsonArray Ids(IEnumerable<string> ids) => new([.. ids.Select(id => (JsonNode)id)]);

    private static bool IsUrl(string s) => Uri.TryCreate(s, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);

    private static string Date(DateTimeOffset d) => d.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The CVSS v3 qualitative rating of a base score.</summary>
    public static string Severity(double score) => Vulnerabilities.CvssScores.Severity(score);

    /// <summary>The CSAF file name of a tracking id (§5.1).</summary>
    public static string FileName(string trackingId) => Csaf.CsafProviderFeed.FileName(trackingId);
}
