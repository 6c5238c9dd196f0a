using System.Text.Json;
using Vigie.Core.Csaf;

namespace Vigie.Core.Tests.Csaf;

/// <summary>Reading a CSAF provider: metadata (schema-checked), ROLIE entries, hash files, the §5.1 file-name rule.</summary>
public sealed class CsafProviderFeedTests
{
    private static readonly Uri Location = new("https://csirt.example/.well-known/csaf/provider-metadata.json");

    private static string Data(params string[] path) => Path.Combine([AppContext.BaseDirectory, "TestData", "csaf", .. path]);

    public static TheoryData<string, bool> FileNameCases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var (folder, valid) in new[] { ("valid", true), ("invalid", false) })
        {
            foreach (var file in Directory.GetFiles(Data("filenames", folder)).Order(StringComparer.Ordinal))
            {
                data.Add(Path.Combine(folder, Path.GetFileName(file)), valid);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FileNameCases))]
    public void The_file_name_rule_agrees_with_the_oasis_test_files(string file, bool valid)
    {
        var trackingId = JsonDocument.Parse(File.ReadAllText(Data("filenames", file))).RootElement
            .GetProperty("document").GetProperty("tracking").GetProperty("id").GetString()!;
        Assert.Equal(valid, CsafProviderFeed.FileName(trackingId) == Path.GetFileName(file));
        Assert.Equal(valid, CsafProviderFeed.NameMatches(new Uri($"https://csirt.example/.well-known/csaf/white/2021/{Uri.EscapeDataString(Path.GetFileName(file))}"), trackingId));
    }

    [Fact]
    public void A_run_of_other_characters_becomes_one_underscore()
    {
        Assert.Equal("oasis_csaf_tc-csaf_2_0-2021-5-1-13.json", CsafProviderFeed.FileName("OASIS: #/CSAF_TC-CSAF_2.0-2021-5-1-13"));
        Assert.Equal("rhsa-2024_1234.json", CsafProviderFeed.FileName("RHSA-2024:1234"));
        Assert.Equal("a+b_c.json", CsafProviderFeed.FileName("A+B//c"));
    }

    private const string Metadata = """
        {
          "canonical_url": "https://csirt.example/.well-known/csaf/provider-metadata.json",
          "distributions": [
            { "rolie": { "feeds": [ { "summary": "WHITE advisories", "tlp_label": "WHITE", "url": "https://csirt.example/.well-known/csaf/white/feed-tlp-white.json" } ] } },
            { "directory_url": "https://csirt.example/.well-known/csaf/green/" }
          ],
          "last_updated": "2026-11-20T10:00:00.000Z",
          "list_on_CSAF_aggregators": true,
          "metadata_version": "2.0",
          "mirror_on_CSAF_aggregators": true,
          "public_openpgp_keys": [ { "fingerprint": "8f0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b", "url": "https://csirt.example/.well-known/openpgpkey/team.asc" } ],
          "publisher": { "category": "coordinator", "name": "CSIRT Example", "namespace": "https://csirt.example" },
          "role": "csaf_trusted_provider"
        }
        """;

    [Fact]
    public void Metadata_gives_the_feeds_the_directories_and_the_keys()
    {
        var m = CsafProviderFeed.ReadMetadata(JsonDocument.Parse(Metadata).RootElement, Location);
        Assert.Equal("csaf_trusted_provider", m.Role);
        Assert.Equal("CSIRT Example", m.PublisherName);
        var feed = Assert.Single(m.Feeds);
        Assert.Equal(("WHITE", "https://csirt.example/.well-known/csaf/white/feed-tlp-white.json"), (feed.TlpLabel, feed.Url.AbsoluteUri));
        Assert.Equal("https://csirt.example/.well-known/csaf/green/", Assert.Single(m.Directories).AbsoluteUri);
        var key = Assert.Single(m.Keys);
        Assert.Equal("8F0B1D2C3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B", key.Fingerprint);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), m.LastUpdated);
    }

    [Theory]
    [InlineData("role", "\"csaf_publisher_of_the_year\"", "/role")]
    [InlineData("canonical_url", "\"https://csirt.example/metadata.json\"", "/canonical_url")]
    [InlineData("publisher", "{\"name\": \"x\"}", "/publisher")]
    public void Metadata_off_the_provider_schema_is_refused_with_the_place(string member, string value, string place)
    {
        var doc = System.Text.Json.Nodes.JsonNode.Parse(Metadata)!;
        doc[member] = System.Text.Json.Nodes.JsonNode.Parse(value);
        var e = Assert.Throws<CsafFeedException>(() => CsafProviderFeed.ReadMetadata(JsonDocument.Parse(doc.ToJsonString()).RootElement, Location));
        Assert.Contains("provider schema", e.Message);
        Assert.Contains(place, e.Message);
    }

    [Fact]
    public void Feed_entries_resolve_their_links_and_refuse_an_entry_without_a_document()
    {
        var feed = JsonDocument.Parse("""
            { "feed": { "id": "f", "entry": [
              { "id": "ACME-2026-001", "updated": "2026-11-21T08:00:00Z",
                "link": [ { "rel": "self", "href": "2026/acme-2026-001.json" }, { "rel": "hash", "href": "2026/acme-2026-001.json.sha512" },
                          { "rel": "signature", "href": "2026/acme-2026-001.json.asc" } ],
                "content": { "type": "application/json", "src": "2026/acme-2026-001.json" } },
              { "id": "ACME-2026-002", "link": [ { "rel": "hash", "href": "x.sha512" } ] },
              { "id": "ACME-2026-003", "link": [ { "rel": "self", "href": "javascript:alert(1)" } ] }
            ] } }
            """).RootElement;
        var entries = CsafProviderFeed.ReadFeed(feed, new Uri("https://vendor.example/csaf/white/feed.json")).ToList();
        var first = entries[0].Entry!;
        Assert.Equal("https://vendor.example/csaf/white/2026/acme-2026-001.json", first.Document.AbsoluteUri);
        Assert.Equal("https://vendor.example/csaf/white/2026/acme-2026-001.json.sha512", Assert.Single(first.Hashes).AbsoluteUri);
        Assert.Equal("https://vendor.example/csaf/white/2026/acme-2026-001.json.asc", first.Signature!.AbsoluteUri);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero), first.Updated);
        Assert.Equal(("ACME-2026-002", "the entry links no document (content.src or a \"self\" link)"), (entries[1].Where, entries[1].Error));
        Assert.Null(entries[2].Entry);
        Assert.Throws<CsafFeedException>(() => CsafProviderFeed.ReadFeed(JsonDocument.Parse("[1]").RootElement, Location).ToList());
    }

    [Fact]
    public void Hash_files_give_the_digest_as_sha512sum_writes_it()
    {
        var hex = new string('a', 128);
        Assert.Equal(hex, CsafProviderFeed.ReadHashFile($"{hex.ToUpperInvariant()}  acme-2026-001.json\n", 128));
        Assert.Equal(hex, CsafProviderFeed.ReadHashFile(hex, 128));
        Assert.Null(CsafProviderFeed.ReadHashFile(new string('a', 64) + "  x.json", 128));
        Assert.Null(CsafProviderFeed.ReadHashFile("<html>not found</html>", 128));
    }
}
