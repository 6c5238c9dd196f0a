using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Constituents;
using Vigie.Data;
using Vigie.Features.Watch;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Watch;

/// <summary>
/// The "done when": the fixture CVE records (cvelistV5 / osv.dev) and CISA's KEV catalog imported through the API
/// flag exactly the constituents whose inventory is affected, with evidence, KEV-listed exposures first; an analyst's
/// dismissal survives a rematch; hostile archives are refused entry by entry. Both databases.
/// </summary>
public abstract class WatchTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Data(params string[] path) => Path.Combine([AppContext.BaseDirectory, "TestData", .. path]);

    private async Task<Guid> ConstituentAsync(string name)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var c = Constituent.Create($"{name} {Guid.NewGuid():N}", ConstituentKind.Client, null, null, app.Time.GetUtcNow()).Value!;
        db.Add(c);
        await db.SaveChangesAsync(Ct);
        return c.Id;
    }

    private async Task AddItemAsync(Guid constituent, object item)
    {
        var response = await app.Client("analyst").PostAsJsonAsync($"/api/v1/constituents/{constituent}/inventory", item, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>A zip in the cvelistV5 layout holding the given records, plus extra entries.</summary>
    private static byte[] Zip(IEnumerable<string> records, params (string Name, byte[] Content)[] extra)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var id in records)
            {
                var year = id.Split('-')[1];
                var entry = zip.CreateEntry($"cvelistV5-main/cves/{year}/{id.Split('-')[2][..^3]}xxx/{id}.json");
                using var s = entry.Open();
                s.Write(File.ReadAllBytes(Data("cve", "records", id + ".json")));
            }
            foreach (var (name, content) in extra)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(content);
            }
        }
        return buffer.ToArray();
    }

    private async Task<JsonElement> UploadAsync(string user, string fileName, byte[] content)
    {
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", fileName);
        var response = await app.Client(user).PostAsync("/api/v1/vulnerabilities/import", form, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<List<WatchEntryDto>> WatchOfAsync(Guid constituent) =>
        (await app.Client("auditor").GetFromJsonAsync<List<WatchEntryDto>>($"/api/v1/watch?constituent={constituent}", Ct))!;

    [Fact]
    public async Task Importing_the_fixtures_flags_exactly_the_affected_constituents_kev_first()
    {
        app.SkipIfUnavailable();
        var a = await ConstituentAsync("Watch A");
        var b = await ConstituentAsync("Watch B");
        var c = await ConstituentAsync("Watch C");
        await AddItemAsync(a, new { vendor = "Apache Software Foundation", product = "Apache Log4j2", version = "2.14.1", exposure = "internet-facing", criticality = "high" });
        await AddItemAsync(a, new { cpe = "cpe:2.3:a:fortinet:fortiproxy:7.0.10:*:*:*:*:*:*:*", exposure = "internet-facing", criticality = "critical" });
        await AddItemAsync(a, new { vendor = "Apache Software Foundation", product = "Apache HTTP Server", version = "2.4.55", exposure = "internal", criticality = "low" });
        await AddItemAsync(b, new { vendor = "OpenBSD", product = "OpenSSH", version = "9.6p1", exposure = "internal", criticality = "medium" });
        // C runs only fixed versions: nothing may be flagged.
        await AddItemAsync(c, new { vendor = "Fortinet", product = "FortiOS", version = "7.2.7", exposure = "internet-facing" });
        await AddItemAsync(c, new { vendor = "Apache Software Foundation", product = "Apache HTTP Server", version = "2.4.56" });
        await AddItemAsync(c, new { vendor = "Apache Software Foundation", product = "Apache Log4j2", version = "2.17.1" });
        await AddItemAsync(c, new { vendor = "OpenBSD", product = "OpenSSH", version = "9.8p1" });

        var records = Directory.GetFiles(Data("cve", "records")).Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();
        var zip = Zip(records, ("cvelistV5-main/kev/known_exploited_vulnerabilities.json", File.ReadAllBytes(Data("cve", "kev", "known_exploited_vulnerabilities.json"))));
        var result = await UploadAsync("lead", "cvelistV5.zip", zip);
        Assert.Equal(0, result.GetProperty("rejected").GetArrayLength());
        Assert.Equal(records.Count + 1, result.GetProperty("files").GetInt32());

        var watchA = await WatchOfAsync(a);
        Assert.Equal(["CVE-2021-44228", "CVE-2023-25690", "CVE-2024-21762"], watchA.Select(e => e.CveId).Order());
        // KEV-listed exposures rise to the top, the internal low-criticality httpd flaw is last.
        Assert.True(watchA[0].Kev && watchA[1].Kev);
        Assert.Equal("CVE-2023-25690", watchA[^1].CveId);
        var log4j = watchA.Single(e => e.CveId == "CVE-2021-44228");
        Assert.Equal(("immediate", "range"), (log4j.Outcome, log4j.Confidence));
        Assert.Contains("2.14.1 in [2.0-beta9", log4j.Evidence);
        Assert.Equal(app.Time.GetUtcNow().AddDays(2), log4j.Deadline);
        Assert.Contains("CPE fortinet:fortiproxy", watchA.Single(e => e.CveId == "CVE-2024-21762").Evidence);

        var watchB = Assert.Single(await WatchOfAsync(b));
        Assert.Equal(("CVE-2024-6387", false), (watchB.CveId, watchB.Kev));
        Assert.Contains("9.6p1 in [8.5p1, 9.7p1]", watchB.Evidence);
        Assert.Empty(await WatchOfAsync(c));

        var alerts = await app.Client("analyst").GetFromJsonAsync<List<WatchAlertDto>>("/api/v1/watch/alerts", Ct);
        Assert.Equal(["CVE-2021-44228", "CVE-2024-21762"], alerts!.Where(x => x.ConstituentId == a && x.Kind == "known-exploited").Select(x => x.CveId).Order());
        Assert.DoesNotContain(alerts!, x => x.ConstituentId == c);

        // The detail keeps every source with its version.
        var detail = await app.Client("auditor").GetFromJsonAsync<JsonElement>("/api/v1/vulnerabilities/CVE-2021-26855", Ct);
        Assert.True(detail.GetProperty("summary").GetProperty("kev").GetBoolean());
        Assert.Contains(detail.GetProperty("facts").EnumerateArray(), f => f.GetProperty("source").GetString() == "cve5:adp/CISA-ADP");

        // Dismissing needs a reason, and is remembered by the next rematch.
        var refused = await app.Client("analyst").PostAsJsonAsync($"/api/v1/watch/{watchB.Id}/decision", new { decision = "dismissed" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Say why", await refused.Content.ReadAsStringAsync(Ct));
        var dismissed = await app.Client("analyst").PostAsJsonAsync($"/api/v1/watch/{watchB.Id}/decision", new { decision = "dismissed", reason = "Only reachable from the admin VLAN." }, Ct);
        Assert.Equal(HttpStatusCode.OK, dismissed.StatusCode);
        var rematch = await app.Client("lead").PostAsync("/api/v1/watch/rematch", null, Ct);
        Assert.Equal(HttpStatusCode.OK, rematch.StatusCode);
        var again = Assert.Single(await WatchOfAsync(b));
        Assert.Equal(("dismissed", "Only reachable from the admin VLAN.", "analyst@csirt.test"), (again.Decision, again.DecisionReason, again.DecidedBy));

        // Re-importing the same records changes nothing.
        var replay = await UploadAsync("lead", "again.zip", Zip(records));
        Assert.Equal((0, 0), (replay.GetProperty("new").GetInt32(), replay.GetProperty("updated").GetInt32()));
    }

    [Fact]
    public async Task Hostile_entries_are_refused_one_by_one_and_the_good_records_still_land()
    {
        app.SkipIfUnavailable();
        var log4j = File.ReadAllBytes(Data("cve", "records", "CVE-2021-44228.json"));
        var truncated = log4j[..(log4j.Length / 2)];
        var older = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(File.ReadAllBytes(Data("cve", "records", "CVE-2023-45803.json")))
            .Replace("\"dateUpdated\": \"20", "\"dateUpdated\": \"19", StringComparison.Ordinal));
        var zip = Zip(["CVE-2023-45803"],
            ("../../etc/cron.d/evil.json", log4j),
            ("/abs/CVE-2021-44228.json", log4j),
            ("cves/2021/44xxx/truncated.json", truncated),
            ("cves/other.json", Encoding.UTF8.GetBytes("""{"hello":"world"}""")),
            ("cves/older/CVE-2023-45803.json", older));
        var result = await UploadAsync("admin", "hostile.zip", zip);
        var rejected = result.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("where").GetString()!, r => r.GetProperty("reason").GetString()!);
        Assert.Contains("path leaves the archive", rejected["hostile.zip!../../etc/cron.d/evil.json"]);
        Assert.Contains("path leaves the archive", rejected["hostile.zip!/abs/CVE-2021-44228.json"]);
        Assert.StartsWith("not valid JSON", rejected["hostile.zip!cves/2021/44xxx/truncated.json"]);
        Assert.StartsWith("not a CVE JSON 5 record", rejected["hostile.zip!cves/other.json"]);
        Assert.Equal(4, rejected.Count);
        // The good record is stored (new, or unchanged when another test imported it first); the copy with an older
        // dateUpdated did not roll it back.
        Assert.Equal(0, result.GetProperty("updated").GetInt32());
        var detail = await app.Client("auditor").GetFromJsonAsync<JsonElement>("/api/v1/vulnerabilities/CVE-2023-45803", Ct);
        Assert.All(detail.GetProperty("facts").EnumerateArray(), f => Assert.StartsWith("20", f.GetProperty("sourceVersion").GetString()));

        // Not a form, or an empty file: a problem, nothing imported.
        var notForm = await app.Client("lead").PostAsJsonAsync("/api/v1/vulnerabilities/import", new { }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, notForm.StatusCode);
        Assert.Equal("application/problem+json", notForm.Content.Headers.ContentType?.MediaType);
        // Analysts may read the store but not feed it.
        using var form = new MultipartFormDataContent { { new ByteArrayContent(log4j), "file", "x.json" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Client("analyst").PostAsync("/api/v1/vulnerabilities/import", form, Ct)).StatusCode);
    }

    [Fact]
    public async Task Inventory_imports_cyclonedx_and_csv_keeping_valid_rows_and_reporting_the_others()
    {
        app.SkipIfUnavailable();
        var org = await ConstituentAsync("Watch SBOM");
        const string sbom = """
            {"bomFormat":"CycloneDX","specVersion":"1.5","components":[
              {"type":"library","group":"org.apache.logging.log4j","name":"log4j-core","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
               "components":[{"type":"library","publisher":"OpenBSD","name":"OpenSSH","version":"9.6p1"}]},
              {"type":"application","name":"bad","cpe":"cpe:2.3:broken"}
            ]}
            """;
        using var form = new MultipartFormDataContent { { new StringContent(sbom), "file", "app.cdx.json" } };
        var response = await app.Client("analyst").PostAsync($"/api/v1/constituents/{org}/inventory/import", form, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, body.GetProperty("added").GetInt32());
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Contains("is not a CPE 2.3 name", error.GetProperty("reason").GetString());

        const string csv = "vendor,product,version,cpe,purl,exposure,criticality\nFortinet,FortiOS,7.2.6,,,internet-facing,critical\nAcme,Widget,1.0,,,on the moon,high\n,,,,,,\nOpenBSD,OpenSSH,9.6p1,,,internal,medium\n";
        using var csvForm = new MultipartFormDataContent { { new StringContent(csv), "file", "inventory.csv" } };
        var csvBody = await (await app.Client("analyst").PostAsync($"/api/v1/constituents/{org}/inventory/import", csvForm, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal((1, 1), (csvBody.GetProperty("added").GetInt32(), csvBody.GetProperty("updated").GetInt32())); // OpenSSH 9.6p1 was already there
        Assert.Equal(["3", "4"], csvBody.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("where").GetString()));

        var items = await app.Client("auditor").GetFromJsonAsync<List<JsonElement>>($"/api/v1/constituents/{org}/inventory", Ct);
        Assert.Equal(3, items!.Count);
        Assert.Contains(items, i => i.GetProperty("purl").GetString() == "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("analyst").GetAsync($"/api/v1/constituents/{Guid.NewGuid()}/inventory", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await app.Client("auditor").PostAsJsonAsync($"/api/v1/constituents/{org}/inventory", new { vendor = "x", product = "y" }, Ct)).StatusCode);
    }
    [Fact]
    public async Task A_vendor_csaf_advisory_is_checked_then_matched_like_any_source()
    {
        app.SkipIfUnavailable();
        var org = await ConstituentAsync("Watch CSAF");
        await AddItemAsync(org, new { cpe = "cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc1", exposure = "internal" });
        var bsi = File.ReadAllBytes(Data("csaf", "examples", "csaf", "bsi-2022-0001.json"));
        var broken = System.Text.Json.Nodes.JsonNode.Parse(bsi)!;
        broken["document"]!["tracking"]!["id"] = "BSI-2022-BROKEN";
        broken["vulnerabilities"]![0]!["product_status"]!["known_affected"]!.AsArray().Add("CSAFPID-NOWHERE");
        // A vendor's rounding slip (6.1.9: the base score does not match the vector) is said, but the advisory is read.
        var sloppy = System.Text.Json.Nodes.JsonNode.Parse(bsi)!;
        sloppy["document"]!["tracking"]!["id"] = "BSI-2022-SLOPPY";
        sloppy["vulnerabilities"]![0]!["scores"]![0]!["cvss_v3"]!["baseScore"] = 6.2;
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var s = zip.CreateEntry("csaf/bsi-2022-0001.json").Open())
            {
                s.Write(bsi);
            }
            using (var s = zip.CreateEntry("csaf/broken.json").Open())
            {
                s.Write(Encoding.UTF8.GetBytes(broken.ToJsonString()));
            }
            using (var s = zip.CreateEntry("csaf/sloppy.json").Open())
            {
                s.Write(Encoding.UTF8.GetBytes(sloppy.ToJsonString()));
            }
        }
        var result = await UploadAsync("lead", "vendors.zip", buffer.ToArray());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal("vendors.zip!csaf/broken.json", rejected.GetProperty("where").GetString());
        Assert.Contains("invalid CSAF: 6.1.1 /vulnerabilities/0/product_status/known_affected/", rejected.GetProperty("reason").GetString());
        var warning = Assert.Single(result.GetProperty("warnings").EnumerateArray());
        Assert.Equal("vendors.zip!csaf/sloppy.json", warning.GetProperty("where").GetString());
        Assert.Contains("6.1.9 /vulnerabilities/0/scores/0/cvss_v3/baseScore", warning.GetProperty("reason").GetString());
        var entry = Assert.Single(await WatchOfAsync(org));
        Assert.Equal(("CVE-2022-27193", "exact"), (entry.CveId, entry.Confidence));
        Assert.Contains("csaf product_status.known_affected", entry.Evidence);
        var detail = await app.Client("auditor").GetFromJsonAsync<JsonElement>("/api/v1/vulnerabilities/CVE-2022-27193", Ct);
        Assert.Contains(detail.GetProperty("facts").EnumerateArray(), f => f.GetProperty("source").GetString()!.EndsWith("/BSI-2022-0001", StringComparison.Ordinal));
        Assert.Contains(detail.GetProperty("facts").EnumerateArray(), f => f.GetProperty("source").GetString()!.EndsWith("/BSI-2022-SLOPPY", StringComparison.Ordinal));
        Assert.DoesNotContain(detail.GetProperty("facts").EnumerateArray(), f => f.GetProperty("source").GetString()!.EndsWith("/BSI-2022-BROKEN", StringComparison.Ordinal));
    }
}

public sealed class WatchSqliteTests(SqliteApp app) : WatchTests(app), IClassFixture<SqliteApp>;

public sealed class WatchPostgresTests(PostgresApp app) : WatchTests(app), IClassFixture<PostgresApp>;
