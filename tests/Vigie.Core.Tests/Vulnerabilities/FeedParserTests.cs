using System.Text.Json;
using Vigie.Core.Vulnerabilities;
using Vigie.Core.Vulnerabilities.Feeds;
using Vigie.Core.Vulnerabilities.Matching;
using Vigie.Core.Vulnerabilities.Ssvc;

namespace Vigie.Core.Tests.Vulnerabilities;

public sealed class FeedParserTests
{
    private static JsonDocument Load(params string[] path) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine([AppContext.BaseDirectory, "TestData", "cve", .. path])));

    [Fact]
    public void Every_fixture_record_parses_with_its_facts()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "cve", "records")))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            var records = Cve5Parser.Parse(doc.RootElement);
            Assert.Equal(Path.GetFileNameWithoutExtension(file), records[0].Id);
            Assert.StartsWith("cve5:cna/", records[0].Source);
            Assert.NotEmpty(records[0].SourceVersion);
        }

        var exchange = FixtureMatchingTests.Record("CVE-2021-26855");
        Assert.Equal(24, exchange[0].Affected.Count);
        Assert.Equal("cve5:cna/microsoft", exchange[0].Source);
        var adp = Assert.Single(exchange, r => r.Exploitation is not null);
        Assert.Equal(new ExploitationFacts(SsvcExploitation.Active, true, SsvcTechnicalImpact.Total, new DateOnly(2021, 11, 3)), adp.Exploitation);
        Assert.Equal(["CWE-918"], adp.Weaknesses); // only the ADP supplies it
        Assert.Empty(exchange[0].Weaknesses);

        var protobuf = FixtureMatchingTests.Record("CVE-2025-4565")[0];
        var v4 = Assert.Single(protobuf.Metrics, m => m.Version == "4.0");
        Assert.Equal((8.2, "HIGH"), (v4.BaseScore, v4.Severity));
        Assert.Equal(["CWE-674"], protobuf.Weaknesses);

        var vuldb = FixtureMatchingTests.Record("CVE-2016-15012")[0];
        Assert.Equal(["2.0", "3.0", "3.1"], vuldb.Metrics.Select(m => m.Version).Distinct().Order());

        var log4j = FixtureMatchingTests.Record("CVE-2021-44228")[0].Affected[0].Versions[0];
        Assert.Equal(5, log4j.Changes!.Count);
        Assert.Equal(new VersionChange("2.12.2", AffectedStatus.Unaffected), log4j.Changes[2]);
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"dataType":"CVE_RECORD"}""", "no cveMetadata")]
    [InlineData("""{"dataType":"SOMETHING","cveMetadata":{"cveId":"CVE-2024-1234"}}""", "dataType is \"SOMETHING\"")]
    [InlineData("""{"cveMetadata":{"cveId":"CVE-24-1"},"containers":{"cna":{}}}""", "not a CVE id")]
    [InlineData("""{"cveMetadata":{"cveId":"CVE-2024-12345"},"containers":{"cna":[]}}""", "no containers.cna")]
    public void Refuses_what_is_not_a_cve_record_with_the_reason(string json, string reason)
    {
        using var doc = JsonDocument.Parse(json);
        var e = Assert.Throws<FeedFormatException>(() => Cve5Parser.Parse(doc.RootElement));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void A_rejected_record_keeps_its_reason_and_a_gigantic_description_is_cut()
    {
        using var rejected = JsonDocument.Parse("""
            {"dataType":"CVE_RECORD","cveMetadata":{"cveId":"cve-2023-99999","state":"REJECTED","assignerShortName":"mitre","dateUpdated":"2023-05-01T00:00:00Z"},
             "containers":{"cna":{"rejectedReasons":[{"lang":"en","value":"Duplicate of CVE-2023-1234."}]}}}
            """);
        var r = Assert.Single(Cve5Parser.Parse(rejected.RootElement));
        Assert.Equal(("CVE-2023-99999", VulnerabilityState.Rejected), (r.Id, r.State));
        Assert.Equal("Duplicate of CVE-2023-1234.", r.Descriptions[0].Text);

        var huge = new string('A', 10_000_000);
        using var big = JsonDocument.Parse($$$$"""
            {"cveMetadata":{"cveId":"CVE-2024-00001","dateUpdated":"2024-01-01T00:00:00Z"},
             "containers":{"cna":{"descriptions":[{"lang":"en","value":"{{{{huge}}}}"}],"affected":[{"vendor":"v","product":"p","versions":[{"version":"1.0","status":"affected"}]}]}}}
            """);
        var cut = Assert.Single(Cve5Parser.Parse(big.RootElement));
        Assert.Equal(32_768, cut.Descriptions[0].Text.Length);
        Assert.Single(cut.Affected);
    }

    [Fact]
    public void Nvd_configurations_become_cpe_rules_with_ranges()
    {
        using var doc = Load("nvd-api-2.0", "CVE-2023-4863.json");
        Assert.True(NvdParser.Looks(doc.RootElement));
        var (record, where, error) = Assert.Single(NvdParser.Parse(doc.RootElement));
        Assert.Null(error);
        Assert.Equal(("CVE-2023-4863", "nvd"), (record!.Id, record.Source));
        Assert.Equal(new DateOnly(2023, 9, 13), record.Exploitation!.KevDateAdded);
        var chrome = record.Affected.First(r => r.Product.Cpes[0].Contains("google:chrome", StringComparison.Ordinal));
        Assert.Equal(new VersionRange(AffectedStatus.Affected, "0", "116.0.5845.187", null, "nvd"), chrome.Versions[0] with { Changes = null });

        var org = Guid.CreateVersion7();
        var index = new InventoryIndex([
            new InventoryProduct(Guid.CreateVersion7(), org, "Google", "Chrome", "116.0.5845.140", "cpe:2.3:a:google:chrome:*:*:*:*:*:*:*:*", null),
            new InventoryProduct(Guid.CreateVersion7(), org, "Google", "Chrome", "116.0.5845.187", "cpe:2.3:a:google:chrome:*:*:*:*:*:*:*:*", null),
            new InventoryProduct(Guid.CreateVersion7(), org, "Debian", "Debian GNU/Linux", "12.0", "cpe:2.3:o:debian:debian_linux:12.0:*:*:*:*:*:*:*", null),
            new InventoryProduct(Guid.CreateVersion7(), org, "Debian", "Debian GNU/Linux", "9.0", "cpe:2.3:o:debian:debian_linux:9.0:*:*:*:*:*:*:*", null),
        ]);
        var matches = index.Match(record.Affected);
        Assert.Equal(2, matches.Count);
        Assert.Contains(matches, m => m.Confidence == MatchConfidence.Range && m.Evidence.Contains("116.0.5845.140", StringComparison.Ordinal));
        Assert.Contains(matches, m => m.Confidence == MatchConfidence.Exact && m.Evidence.Contains("12.0 is the version the CPE names", StringComparison.Ordinal));
    }

    [Fact]
    public void The_whole_kev_catalog_reads()
    {
        using var doc = Load("kev", "known_exploited_vulnerabilities.json");
        Assert.True(KevCatalog.Looks(doc.RootElement));
        Assert.Equal("2025.08.25", KevCatalog.Version(doc.RootElement));
        var entries = KevCatalog.Parse(doc.RootElement).ToList();
        Assert.Equal(1404, entries.Count);
        Assert.All(entries, e => Assert.Null(e.Error));
        var proxyLogon = entries.Single(e => e.Entry!.CveId == "CVE-2021-26855").Entry!;
        Assert.Equal(new DateOnly(2021, 11, 3), proxyLogon.DateAdded);
        Assert.True(proxyLogon.KnownRansomwareUse);
    }

    [Fact]
    public void Epss_csv_with_its_header_and_bad_lines()
    {
        const string csv = "#model_version:v2025.03.14,score_date:2025-08-25T12:55:00Z\ncve,epss,percentile\nCVE-2021-44228,0.94358,0.99955\nCVE-2024-6387,0.3834,0.97\nnot-a-cve,0.1,0.2\nCVE-2024-0001,1.7,0.2\n";
        using var reader = new StringReader(csv);
        var header = EpssCsv.ReadHeader(reader.ReadLine()!);
        Assert.Equal("v2025.03.14", header.ModelVersion);
        Assert.Equal(new DateTimeOffset(2025, 8, 25, 12, 55, 0, TimeSpan.Zero), header.ScoreDate);
        var rows = EpssCsv.Parse(reader).ToList();
        Assert.Equal([new EpssScore("CVE-2021-44228", 0.94358, 0.99955), new EpssScore("CVE-2024-6387", 0.3834, 0.97)], rows.Where(r => r.Score is not null).Select(r => r.Score!));
        Assert.Equal(["line 4", "line 5"], rows.Where(r => r.Error is not null).Select(r => r.Where));
    }

    [Fact]
    public void Ssvc_trees_follow_the_published_tables()
    {
        // Spot checks against CERTCC/SSVC data/csv: cisa_coordinator_2_0_3.csv rows 5, 16, 28, 35 and
        // deployer_patch_application_priority_1_0_0.csv rows 0, 23, 46, 67, 71.
        Assert.Equal(CisaDecision.TrackStar, SsvcTrees.Coordinator(SsvcExploitation.None, false, SsvcTechnicalImpact.Total, MissionImpact.High));
        Assert.Equal(CisaDecision.TrackStar, SsvcTrees.Coordinator(SsvcExploitation.Poc, false, SsvcTechnicalImpact.Total, MissionImpact.Medium));
        Assert.Equal(CisaDecision.Attend, SsvcTrees.Coordinator(SsvcExploitation.Active, false, SsvcTechnicalImpact.Total, MissionImpact.Medium));
        Assert.Equal(CisaDecision.Act, SsvcTrees.Coordinator(SsvcExploitation.Active, true, SsvcTechnicalImpact.Total, MissionImpact.High));
        Assert.Equal(DeployerDecision.Defer, SsvcTrees.Deploy(SsvcExploitation.None, SystemExposure.Small, false, HumanImpact.Low));
        Assert.Equal(DeployerDecision.OutOfCycle, SsvcTrees.Deploy(SsvcExploitation.None, SystemExposure.Open, true, HumanImpact.VeryHigh));
        Assert.Equal(DeployerDecision.OutOfCycle, SsvcTrees.Deploy(SsvcExploitation.Poc, SystemExposure.Open, true, HumanImpact.High));
        Assert.Equal(DeployerDecision.Immediate, SsvcTrees.Deploy(SsvcExploitation.Active, SystemExposure.Open, false, HumanImpact.VeryHigh));
        Assert.Equal(DeployerDecision.Immediate, SsvcTrees.Deploy(SsvcExploitation.Active, SystemExposure.Open, true, HumanImpact.VeryHigh));
    }

    [Fact]
    public void Kev_listed_exposure_ranks_above_the_same_flaw_unexploited()
    {
        var now = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
        const string vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
        var kev = Prioritizer.Assess(new VulnerabilityFacts(9.8, vector, 0.02, true, null), Exposure.InternetFacing, Criticality.High, now);
        var quiet = Prioritizer.Assess(new VulnerabilityFacts(9.8, vector, 0.02, false, null), Exposure.InternetFacing, Criticality.High, now);
        var inside = Prioritizer.Assess(new VulnerabilityFacts(9.8, vector, 0.02, true, null), Exposure.Internal, Criticality.Low, now);
        Assert.Equal((DeployerDecision.Immediate, CisaDecision.Act), (kev.Decision, kev.Coordinator));
        Assert.Equal(now.AddDays(2), kev.Deadline);
        Assert.Equal(DeployerDecision.Scheduled, quiet.Decision);
        Assert.Equal(DeployerDecision.OutOfCycle, inside.Decision); // active, controlled, automatable, low
        Assert.True(kev.Rank > inside.Rank && inside.Rank > quiet.Rank);
        Assert.Contains("exploitation active (KEV)", kev.Why);
        var epss = Prioritizer.Assess(new VulnerabilityFacts(5.0, "CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N", 0.5, false, null), Exposure.Internal, Criticality.Medium, now);
        Assert.Equal((SsvcExploitation.Poc, false, SsvcTechnicalImpact.Partial), (epss.Exploitation, epss.Automatable, epss.TechnicalImpact));
    }
}

public sealed class Cvss3Tests
{
    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0)]
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1)]
    [InlineData("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1)]
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5)]
    [InlineData("CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0)]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:H/RL:W/RC:C", 9.8)] // Fortinet publishes 9.6 (temporal) for this vector
    public void Base_scores_follow_the_specification(string vector, double expected)
    {
        Assert.True(Cvss3.TryBase(vector, out var baseVector, out var score));
        Assert.Equal(expected, score);
        Assert.DoesNotContain("/E:", baseVector, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AV:N/AC:L/Au:N/C:P/I:P/A:P")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H")]
    [InlineData("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")]
    public void Refuses_what_is_not_a_v3_base_vector(string vector) => Assert.False(Cvss3.TryBase(vector, out _, out _));
}
