using System.Text.Json.Nodes;
using Vigie.Core.Csaf;

namespace Vigie.Core.Tests.Csaf;

/// <summary>
/// Cases the OASIS conformance set leaves out for tests it gives only failing files: what must pass (no false alarm on
/// ordinary documents) and a few more failures, on a real advisory changed in one place.
/// </summary>
public sealed class CsafMandatoryTestsTests
{
    private static JsonNode Bsi() => JsonNode.Parse(File.ReadAllText(Directory.GetFiles(
        Path.Combine(AppContext.BaseDirectory, "TestData", "csaf", "examples", "csaf"), "bsi-*.json", SearchOption.AllDirectories)[0]))!;

    private static List<CsafFinding> Run(string test, JsonNode doc) => [.. CsafValidator.Implemented[test](doc)];

    [Theory]
    [InlineData("en", true)]
    [InlineData("de-DE", true)]
    [InlineData("zh-Hant-TW", true)]
    [InlineData("es-419", true)]
    [InlineData("gsw", true)] // three letters: form only
    [InlineData("x-klingon", true)]
    [InlineData("EZ", false)]
    [InlineData("qq-DE", false)]
    [InlineData("en--US", false)]
    public void Language_tags(string tag, bool valid)
    {
        var doc = Bsi();
        doc["document"]!["lang"] = tag;
        Assert.Equal(valid, Run("6.1.12", doc).Count == 0);
    }

    [Theory]
    [InlineData("pkg:npm/%40angular/animation@12.3.1", true)]
    [InlineData("pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&type=zip", true)]
    [InlineData("pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c#api", true)]
    [InlineData("pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", true)]
    [InlineData("pkg:maven/@1.3.4", false)]
    [InlineData("pkg:npm/foo%zz@1.0", false)]
    [InlineData("pkg:npm/foo@1.0?=x", false)]
    [InlineData("pkg:1npm/foo@1.0", false)]
    public void Package_urls(string purl, bool valid)
    {
        var doc = Bsi();
        var product = new JsonObject { ["name"] = "P", ["product_id"] = "CSAFPID-TEST", ["product_identification_helper"] = new JsonObject { ["purl"] = purl } };
        (doc["product_tree"]!["full_product_names"] ??= new JsonArray()).AsArray().Add(product);
        Assert.Equal(valid, Run("6.1.13", doc).Count == 0);
    }

    [Theory]
    [InlineData("Example Company Security Notice", true)]
    [InlineData("csaf_base", true)]
    [InlineData("Security Advisory", false)]
    [InlineData("informational-advisory", false)]
    [InlineData("CSAF_Security_Advisory", false)]
    [InlineData("csaf_custom", false)]
    public void Category_names(string category, bool valid)
    {
        var doc = Bsi();
        doc["document"]!["category"] = category;
        Assert.Equal(valid, Run("6.1.26", doc).Count == 0);
    }

    [Theory]
    [InlineData("1", "final", true)]
    [InlineData("1.0.0-rc.1", "draft", true)]
    [InlineData("0", "draft", true)]
    [InlineData("0.9.0", "interim", false)]
    [InlineData("2.0.0-beta", "final", false)]
    public void Draft_versions_have_the_draft_status(string version, string status, bool valid)
    {
        var doc = Bsi();
        doc["document"]!["tracking"]!["version"] = version;
        doc["document"]!["tracking"]!["status"] = status;
        Assert.Equal(valid, Run("6.1.17", doc).Count == 0);
    }

    [Fact]
    public void A_score_that_is_not_the_vector_s_is_reported_with_its_place()
    {
        var doc = Bsi();
        var v = doc["vulnerabilities"]![0]!;
        v["scores"] = new JsonArray(new JsonObject
        {
            ["products"] = new JsonArray(v["product_status"]!.AsObject().First().Value!.AsArray()[0]!.GetValue<string>()),
            ["cvss_v3"] = new JsonObject
            {
                ["version"] = "3.1", ["vectorString"] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C",
                ["baseScore"] = 9.8, ["baseSeverity"] = "CRITICAL", ["temporalScore"] = 9.8, ["temporalSeverity"] = "CRITICAL",
                ["attackVector"] = "NETWORK", ["exploitCodeMaturity"] = "UNPROVEN", ["remediationLevel"] = "NOT_DEFINED",
            },
        });
        Assert.Equal(["/vulnerabilities/0/scores/0/cvss_v3/temporalScore", "/vulnerabilities/0/scores/0/cvss_v3/temporalSeverity"],
            Run("6.1.9", doc).Select(f => f.InstancePath)); // 9.8 × 0.91 × 0.95 = 8.5, HIGH
        Assert.Equal(["/vulnerabilities/0/scores/0/cvss_v3/remediationLevel"], Run("6.1.10", doc).Select(f => f.InstancePath));
        Assert.Empty(Run("6.1.8", doc));
    }

    [Fact]
    public void Vex_products_need_an_impact_statement_directly_or_through_a_group()
    {
        var doc = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "csaf", "examples", "csaf"),
            "*.json", SearchOption.AllDirectories).First(f => File.ReadAllText(f).Contains("\"csaf_vex\"", StringComparison.Ordinal) && File.ReadAllText(f).Contains("known_not_affected", StringComparison.Ordinal))))!;
        Assert.Empty(Run("6.1.27.9", doc));
        foreach (var v in doc["vulnerabilities"]!.AsArray())
        {
            v!.AsObject().Remove("flags");
            v.AsObject().Remove("threats");
        }
        Assert.NotEmpty(Run("6.1.27.9", doc));
    }
}
