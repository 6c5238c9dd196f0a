using System.Text.Json;
using Vigie.Core.Vulnerabilities;
using Vigie.Core.Vulnerabilities.Feeds;
using Vigie.Core.Vulnerabilities.Matching;

namespace Vigie.Core.Tests.Vulnerabilities;

/// <summary>Real CVE 5 records (TestData/cve/records, from cvelistV5 and osv.dev) against hand-made inventories.</summary>
public sealed class FixtureMatchingTests
{
    private static readonly Guid Org = Guid.Parse("0199a000-0000-7000-8000-000000000001");

    internal static IReadOnlyList<VulnerabilityRecord> Record(string id)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "cve", "records", id + ".json")));
        return Cve5Parser.Parse(doc.RootElement);
    }

    private static IReadOnlyList<AffectedRule> Rules(string id) => [.. Record(id).SelectMany(r => r.Affected)];

    private static InventoryProduct Item(int n, string? vendor, string? product, string? version, string? cpe = null, string? purl = null) =>
        new(Guid.Parse($"0199a000-0000-7000-8000-{n:000000000000}"), Org, vendor, product, version, cpe, purl);

    private static Dictionary<int, ProductMatch> Match(string cve, params InventoryProduct[] items) =>
        new InventoryIndex(items).Match(Rules(cve)).ToDictionary(m => int.Parse(m.InventoryId.ToString()[^12..]), m => m);

    [Fact]
    public void OpenSSH_regresshion_upstream_range_and_red_hat_packages_with_inverted_default()
    {
        var found = Match("CVE-2024-6387",
            Item(1, "OpenBSD", "OpenSSH", "9.6p1"),
            Item(2, "OpenBSD", "OpenSSH", "9.8p1"),
            Item(3, "OpenBSD", "OpenSSH", "8.4p1"),
            Item(4, "Red Hat", "openssh", "0:8.7p1-34.el9"),          // RHEL 9 package before the fix: affected by default
            Item(5, "Red Hat", "openssh", "0:8.7p1-38.el9_4.1"),      // the fixed build: unaffected
            Item(6, "Red Hat", "Red Hat Enterprise Linux 9", "9.4", "cpe:/o:redhat:enterprise_linux:9::baseos")); // a platform CPE is not the package
        Assert.Equal([1, 4], found.Keys.Order());
        Assert.Equal(MatchConfidence.Range, found[1].Confidence);
        Assert.Contains("package OpenSSH", found[1].Evidence);
        Assert.Contains("9.6p1 in [8.5p1, 9.7p1]", found[1].Evidence);
        Assert.Equal(MatchConfidence.Range, found[4].Confidence);
        Assert.Contains("default affected", found[4].Evidence);
    }

    [Fact]
    public void Log4Shell_changes_switch_the_status_inside_one_range()
    {
        var found = Match("CVE-2021-44228",
            Item(1, "Apache", "Apache Log4j2", "2.14.1"),
            Item(2, "Apache Software Foundation", "Apache Log4j2", "2.12.2"),
            Item(3, "Apache Software Foundation", "Apache Log4j2", "2.3.1"),
            Item(4, "Apache Software Foundation", "Apache Log4j2", "2.15.0"),
            Item(5, "Apache Software Foundation", "Apache Log4j2", "2.0-beta8"),
            Item(6, "Apache Software Foundation", "Apache Log4j2", "2.4.1"),
            Item(7, "Apache Software Foundation", "Apache Log4j2", "2.0"));
        Assert.Equal([1, 6, 7], found.Keys.Order());
        Assert.Contains("affected from 2.13.0", found[1].Evidence);
        Assert.All(found.Values, m => Assert.Equal(MatchConfidence.Range, m.Confidence));
    }

    [Fact]
    public void Kernel_git_ranges_are_undecidable_and_semver_branches_decide()
    {
        var found = Match("CVE-2025-21631",
            Item(1, "Linux", "Linux", "6.6.70"),   // before 6.12: unaffected
            Item(2, "Linux", "Linux", "6.12.5"),   // 6.12 before 6.12.10: affected by default
            Item(3, "Linux", "Linux", "6.12.10"),  // fixed in the 6.12 branch
            Item(4, "Linux", "Linux", "6.13"),
            Item(5, "Linux", "Linux", "63a07379fdb6c72450cb05294461c6016b8b7726"));
        Assert.True(found.ContainsKey(2));
        Assert.False(found.ContainsKey(1));
        Assert.False(found.ContainsKey(3));
        Assert.False(found.ContainsKey(5) && found[5].Confidence > MatchConfidence.Heuristic);
    }

    [Fact]
    public void Apache_httpd_semver_range_with_unknown_default()
    {
        var found = Match("CVE-2023-25690",
            Item(1, "Apache Software Foundation", "Apache HTTP Server", "2.4.55"),
            Item(2, "Apache Software Foundation", "Apache HTTP Server", "2.4.56"),
            Item(3, "Apache Software Foundation", "Apache HTTP Server", "2.2.34"),
            Item(4, "Apache", "Tomcat", "2.4.10"));
        Assert.Equal([1], found.Keys);
        Assert.Contains("2.4.55 in [2.4.0, 2.4.55]", found[1].Evidence);
    }

    [Fact]
    public void Fortinet_branches_and_the_cisa_adp_cpes()
    {
        var found = Match("CVE-2024-21762",
            Item(1, "Fortinet", "FortiOS", "7.2.6"),
            Item(2, "Fortinet", "FortiOS", "7.2.7"),
            Item(3, "Fortinet", "FortiOS", "7.4.1"),
            Item(4, null, null, null, "cpe:2.3:a:fortinet:fortiproxy:7.0.10:*:*:*:*:*:*:*"),
            Item(5, null, null, null, "cpe:2.3:a:fortinet:fortiproxy:7.0.15:*:*:*:*:*:*:*"));
        Assert.Equal([1, 3, 4], found.Keys.Order());
        Assert.Contains("CPE fortinet:fortiproxy", found[4].Evidence);
        Assert.Contains("adp CISA-ADP", found[4].Evidence);
    }

    [Fact]
    public void Exchange_cpes_with_a_publication_sentinel_match_heuristically()
    {
        var rules = Rules("CVE-2021-26855");
        Assert.Contains(rules, r => r.Versions.Any(v => v.LessThan == "publication"));
        var found = Match("CVE-2021-26855",
            Item(1, "Microsoft", "Microsoft Exchange Server 2019 Cumulative Update 8", "15.02.0"),
            Item(2, null, null, null, "cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_19:*:*:*:*:*:*"),
            Item(3, "Microsoft", "Office", "2019"));
        Assert.True(found.ContainsKey(2), string.Join(" | ", rules.SelectMany(r => r.Product.Cpes).Take(5)));
        Assert.False(found.ContainsKey(3));
    }

    [Fact]
    public void Placeholder_names_never_match()
    {
        var found = Match("CVE-2023-38408",
            Item(1, "n/a", "n/a", "9.3"),
            Item(2, "OpenBSD", "OpenSSH", "9.3"));
        Assert.Empty(found);
        Assert.Empty(Match("CVE-2018-14618", Item(1, "[UNKNOWN]", "curl", "7.61.0"), Item(2, "unknown", "unknown", "1")));
    }

    [Fact]
    public void Results_are_stable_and_one_per_product()
    {
        var items = Enumerable.Range(1, 50).Select(n => Item(n, "Fortinet", "FortiOS", $"7.2.{n % 10}")).ToArray();
        var index = new InventoryIndex(items.Reverse());
        var rules = Rules("CVE-2024-21762");
        var first = index.Match(rules);
        Assert.Equal(first, index.Match(rules));
        Assert.Equal(first.Count, first.Select(m => m.InventoryId).Distinct().Count());
        Assert.Equal(35, first.Count); // 7.2.0–7.2.6 in each ten: 5 × 7
    }
}
