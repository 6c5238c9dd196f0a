using System.Text.Json;
using Vigie.Core.Csaf;
using Vigie.Core.Vulnerabilities;
using Vigie.Core.Vulnerabilities.Matching;

namespace Vigie.Core.Tests.Csaf;

/// <summary>Vendors' CSAF advisories (the CSAF repository's examples) read into facts the matcher uses.</summary>
public sealed class CsafReaderTests
{
    private static JsonDocument Example(string pattern) =>
        JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "csaf", "examples", "csaf"), pattern, SearchOption.AllDirectories)[0]));

    [Fact]
    public void A_bsi_advisory_gives_its_cve_with_exact_versions_and_matches_by_cpe()
    {
        using var doc = Example("bsi-2022-0001.json");
        Assert.True(CsafReader.Looks(doc.RootElement));
        var record = Assert.Single(CsafReader.Read(doc.RootElement));
        Assert.Equal("CVE-2022-27193", record.Id);
        Assert.StartsWith("csaf:", record.Source, StringComparison.Ordinal);
        Assert.EndsWith("/BSI-2022-0001", record.Source, StringComparison.Ordinal);
        Assert.Equal(["CWE-611"], record.Weaknesses);
        Assert.Contains(record.Affected, r => r.Versions.Any(v => v.Version == "1.0.0-rc1" && v.Status == AffectedStatus.Affected));

        var org = Guid.CreateVersion7();
        var rc1 = new InventoryProduct(Guid.CreateVersion7(), org, null, null, null, "cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc1", null);
        var fixedOne = new InventoryProduct(Guid.CreateVersion7(), org, null, null, null, "cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2", null);
        var match = Assert.Single(new InventoryIndex([rc1, fixedOne]).Match(record.Affected));
        Assert.Equal((rc1.Id, MatchConfidence.Exact), (match.InventoryId, match.Confidence));
        Assert.Contains("csaf product_status.known_affected", match.Evidence);
    }

    [Fact]
    public void Every_example_reads_into_records_with_products()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "csaf", "examples", "csaf"), "*.json", SearchOption.AllDirectories))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var records = CsafReader.Read(doc.RootElement);
            var vulnerabilities = doc.RootElement.TryGetProperty("vulnerabilities", out var v) ? v.GetArrayLength() : 0;
            Assert.Equal(vulnerabilities, records.Count);
            Assert.All(records, r => Assert.False(string.IsNullOrEmpty(r.SourceVersion)));
            Assert.True(vulnerabilities == 0 || records.Any(r => r.Affected.Count > 0), Path.GetFileName(file));
        }
    }

    [Theory]
    [InlineData("vers:semver/>=1.0.0|<2.0.0", "1.0.0", "2.0.0", null)]
    [InlineData("vers:generic/<=4.2", "0", null, "4.2")]
    [InlineData("<= 4.2", "0", null, "4.2")]
    [InlineData("vers:npm/>=3.0.0", "3.0.0", "*", null)]
    public void Version_ranges_are_read(string text, string start, string? lessThan, string? lessThanOrEqual)
    {
        var range = Assert.Single(CsafReader.Vers(text, AffectedStatus.Affected));
        Assert.Equal((start, lessThan, lessThanOrEqual), (range.Version, range.LessThan, range.LessThanOrEqual));
    }
}
