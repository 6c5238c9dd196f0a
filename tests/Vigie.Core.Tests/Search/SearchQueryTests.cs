using System.Net;
using Vigie.Core.Observables;
using Vigie.Core.Search;

namespace Vigie.Core.Tests.Search;

public class SearchQueryTests
{
    [Theory]
    [InlineData("2026-0042", SearchQueryKind.IncidentNumber)]
    [InlineData(" #2026-0042 ", SearchQueryKind.IncidentNumber)]
    [InlineData("203.0.113[.]7", SearchQueryKind.Observable)]
    [InlineData("198.51.100.0/24", SearchQueryKind.Observable)]
    [InlineData("evil[.]example", SearchQueryKind.Observable)]
    [InlineData("CVE-2021-44228", SearchQueryKind.Observable)]
    [InlineData("evil.example phishing", SearchQueryKind.Text)]
    [InlineData("phishing", SearchQueryKind.Text)]
    [InlineData("", SearchQueryKind.Empty)]
    [InlineData("\"*() -:^", SearchQueryKind.Empty)]
    public void Reads_the_kind_of_query(string input, SearchQueryKind kind) => Assert.Equal(kind, SearchQuery.Parse(input).Kind);

    [Fact]
    public void Normalises_numbers_and_indicators()
    {
        Assert.Equal("2026-0042", SearchQuery.Parse("#2026-0042").Number);
        Assert.Equal(new ObservableValue(ObservableKind.IPv4, "203.0.113.7"), SearchQuery.Parse("203.0.113[.]7").Observable);
    }

    [Theory]
    [InlineData("phishing AND \"lilas\" NEAR(x", "\"phishing\" \"AND\" \"lilas\" \"NEAR\" \"x\"")]
    [InlineData("col:term* ^start -minus", "\"col\" \"term\" \"start\" \"minus\"")]
    [InlineData("sécurité", "\"sécurité\"")]
    public void Fts5_queries_are_quoted_words(string input, string fts) => Assert.Equal(fts, SearchQuery.Parse(input).ToFts5());

    [Fact]
    public void Long_input_is_clipped_to_a_bounded_query()
    {
        var q = SearchQuery.Parse(string.Concat(Enumerable.Repeat("AND \"x\" ", 5000)));
        Assert.True(q.Text.Length <= SearchQuery.MaxLength);
        Assert.True(q.Terms.Count <= SearchQuery.MaxTerms);
        Assert.Null(SearchQuery.Parse("\"\"\"").ToFts5());
    }

    [Fact]
    public void An_indicator_is_one_phrase()
    {
        Assert.Equal("\"CVE 2021 44228\"", SearchQuery.Parse("CVE-2021-44228").ToFts5());
        Assert.True(SearchQuery.Parse("CVE-2021-44228").UsesText);
        Assert.False(SearchQuery.Parse("evil.example").UsesText);
        Assert.False(SearchQuery.Parse("10.0.0.1").UsesText);
    }

    [Fact]
    public void Enclosing_cidrs_of_an_address_are_every_prefix()
    {
        var v4 = SearchNetworks.EnclosingCidrs(IPAddress.Parse("203.0.113.77"), 32);
        Assert.Equal(33, v4.Count);
        Assert.Equal("203.0.113.77/32", v4[0]);
        Assert.Contains("203.0.113.0/24", v4);
        Assert.Equal("0.0.0.0/0", v4[^1]);
        var v6 = SearchNetworks.EnclosingCidrs(IPAddress.Parse("2001:db8::1"), 128);
        Assert.Equal(129, v6.Count);
        Assert.Contains("2001:db8::/32", v6);
    }

    [Fact]
    public void IPv4_text_ranges_cover_a_block_on_octet_boundaries()
    {
        Assert.Equal([("10.1.", "10.1/")], SearchNetworks.IPv4TextRanges(IPAddress.Parse("10.1.0.0"), 16));
        Assert.Equal(4, SearchNetworks.IPv4TextRanges(IPAddress.Parse("10.1.4.0"), 22).Count);
        Assert.Equal(("10.1.7.", "10.1.7/"), SearchNetworks.IPv4TextRanges(IPAddress.Parse("10.1.4.0"), 22)[3]);
        Assert.Equal([("10.1.2.3", "10.1.2.30")], SearchNetworks.IPv4TextRanges(IPAddress.Parse("10.1.2.3"), 32));
        Assert.Equal(64, SearchNetworks.IPv4TextRanges(IPAddress.Parse("100.64.0.0"), 10).Count);
        // Every address inside falls in a range, and the ranges hold candidates only (checked exactly after).
        foreach (var address in new[] { "10.1.4.0", "10.1.7.255", "10.1.5.9" })
        {
            Assert.Contains(SearchNetworks.IPv4TextRanges(IPAddress.Parse("10.1.4.0"), 22),
                r => string.CompareOrdinal(address, r.From) >= 0 && string.CompareOrdinal(address, r.To) < 0);
        }
        Assert.True(SearchNetworks.IsInside(IPAddress.Parse("10.1.5.9"), 32, IPAddress.Parse("10.1.4.0"), 22));
        Assert.False(SearchNetworks.IsInside(IPAddress.Parse("10.1.8.9"), 32, IPAddress.Parse("10.1.4.0"), 22));
        Assert.False(SearchNetworks.IsInside(IPAddress.Parse("10.0.0.0"), 8, IPAddress.Parse("10.1.4.0"), 22));
    }

    [Theory]
    [InlineData(ObservableKind.Domain, "login.evil.example", "login.evil.example")]
    [InlineData(ObservableKind.Email, "billing@pay.evil.example", "pay.evil.example")]
    [InlineData(ObservableKind.Url, "https://user:pw@cdn.evil.example:8443/x?y#z", "cdn.evil.example")]
    [InlineData(ObservableKind.Url, "http://[2001:db8::1]/", null)]
    [InlineData(ObservableKind.IPv4, "10.0.0.1", null)]
    public void Host_of_an_observable(ObservableKind kind, string value, string? host) =>
        Assert.Equal(host, SearchHosts.HostOf(new ObservableValue(kind, value)));

    [Fact]
    public void A_domain_holds_its_subdomains_only()
    {
        Assert.True(SearchHosts.IsWithin("evil.example", "evil.example"));
        Assert.True(SearchHosts.IsWithin("a.b.evil.example", "evil.example"));
        Assert.False(SearchHosts.IsWithin("notevil.example", "evil.example"));
        Assert.False(SearchHosts.IsWithin("evil.example.org", "evil.example"));
    }
}
