using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Observables;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Search;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Search;

/// <summary>
/// <c>GET /api/v1/search</c> on both providers: numbers, words (FTS syntax typed by a user is plain
/// text), networks (an address inside a CIDR observable, a CIDR around addresses), domains with
/// subdomains and URLs, hashes, and visibility of TLP:RED incidents and their reports.
/// Each test seeds its own words and addresses, so tests share the host without seeing each other.
/// </summary>
public abstract class SearchTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A word no other test uses (letters only, so it is one FTS token).</summary>
    private static string Word() => "w" + new string([.. Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant().Select(c => char.IsDigit(c) ? (char)('g' + c - '0') : c)]);

    private async Task<string> Incident(string title, string? description = null, string tlp = "TLP:AMBER", string user = "analyst", params string[] observables)
    {
        var client = app.Client(user);
        var created = await client.PostJson("/api/v1/incidents", new { title, description, tlp }).Expect(HttpStatusCode.Created);
        var number = created.Str("number");
        foreach (var o in observables)
        {
            await client.PostJson($"/api/v1/incidents/{number}/observables", new { value = o }).Expect(HttpStatusCode.Created);
        }
        return number;
    }

    /// <summary>A read report, as intake leaves it (its observables extracted from the subject and text), optionally attached to an incident.</summary>
    private async Task<Guid> Report(string subject, string text, string? incidentNumber = null, string from = "reporter@partner.test")
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var now = app.Time.GetUtcNow();
        var report = new Report(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant(), text.Length, null, subject, from,
            ReportSource.Api, "analyst@csirt.test", null, now);
        var observables = ObservableExtractor.Extract(subject + "\n" + text)
            .Select(e => new ReportObservable(report.Id, e.Observable, e.IsPrivateOrReserved, "text", e.Start, e.Length))
            .DistinctBy(o => (o.Kind, o.Value)).ToList();
        report.RecordReading(new ReportReading(ReportKind.IncidentReport, null, null, 0, DecryptionStatus.NotEncrypted, null,
            SignatureStatus.NotSigned, null, null, null, null, text, null, [], null, null, null, null, null, null), observables, [], now);
        db.Reports.Add(report);
        if (incidentNumber is not null)
        {
            var incident = await db.Incidents.SingleAsync(i => i.Number == incidentNumber, Ct);
            Assert.Null(report.LinkTo(incident, "analyst@csirt.test", now));
        }
        await db.SaveChangesAsync(Ct);
        return report.Id;
    }

    private async Task<JsonNode> Search(string q, string user = "analyst", string? group = null)
    {
        var url = "/api/v1/search?q=" + Uri.EscapeDataString(q) + (group is null ? "" : "&group=" + group);
        return await app.Client(user).GetAsync(url, Ct).Expect(HttpStatusCode.OK);
    }

    private static List<string> Numbers(JsonNode r) => [.. r["incidents"]!["items"]!.AsArray().Select(i => i.Str("number"))];

    private static List<string> ReportIds(JsonNode r) => [.. r["reports"]!["items"]!.AsArray().Select(i => i.Str("id"))];

    private static List<string> ObservableValues(JsonNode r) => [.. r["observables"]!.AsArray().Select(o => o.Str("value"))];

    [Fact]
    public async Task An_incident_number_finds_the_incident_and_its_reports()
    {
        var w = Word();
        var number = await Incident($"Defacement {w}");
        var report = await Report($"Defaced site {w}", "The home page shows a political message.", number);

        foreach (var q in new[] { number, "#" + number, $"  {number} " })
        {
            var r = await Search(q);
            Assert.Equal("incidentNumber", r.Str("kind"));
            Assert.Equal([number], Numbers(r));
            Assert.Equal([report.ToString()], ReportIds(r));
        }
    }

    [Fact]
    public async Task Words_are_found_in_titles_descriptions_and_report_texts_whatever_the_query_syntax()
    {
        var w = Word();
        var inTitle = await Incident($"Phishing campaign {w} (2nd wave)");
        var inDescription = await Incident("Credential theft", $"Users received a fake login page; tracked as {w}.");
        var report = await Report("Suspicious mail", $"Hello, we saw the {w} kit again — sécurité compromise.");

        var r = await Search(w);
        Assert.Equal("text", r.Str("kind"));
        Assert.Equal([inDescription, inTitle], Numbers(r));
        Assert.Equal([report.ToString()], ReportIds(r));

        // FTS5 operators, quotes, column filters and prefixes typed by an analyst are words, not syntax.
        Assert.Equal([inTitle], Numbers(await Search($"\"phishing\" {w.ToUpperInvariant()}* (2nd")));
        Assert.Equal([report.ToString()], ReportIds(await Search($"\"{w}\" (kit) again^")));
        // OR is a word here, not an operator: nothing has both words.
        Assert.Empty(Numbers(await Search($"{w} OR zzzunknown")));
        foreach (var hostile in new[] { "\"", "\"unbalanced", "NEAR(", "*", "^x", "col:term", "a OR", "-", "'; DROP TABLE incidents; --", "\u0001\u001b", "( ) { } [ ]",
            new string('x', 10_000), string.Join(' ', Enumerable.Repeat("AND OR NOT \"", 2500)) })
        {
            var result = await Search(hostile);
            Assert.NotNull(result["incidents"]);
        }
        Assert.Empty(Numbers(await Search(w + " " + new string('z', 10_000))));
        // NUL is refused for every request (PostgreSQL cannot hold it), with the reason.
        var nul = await app.Client().GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("a\0b"), Ct).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("NUL character", nul["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_is_found_inside_a_CIDR_observable_and_a_CIDR_finds_the_addresses_inside_it()
    {
        var w = Word();
        // 100.64.0.0/10 is reserved space nobody else in these tests uses; each test run takes its own /24.
        var third = RandomNumberGenerator.GetInt32(0, 64);
        var net = $"100.{64 + third}.{RandomNumberGenerator.GetInt32(0, 256)}";
        var withBlock = await Incident($"Botnet {w}", observables: [$"{net}.0/24"]);
        var report = await Report($"Scan {w}", $"Scanning from {net}.55 and {net}[.]56 since Monday.");

        var inside = await Search($"{net}.77");
        Assert.Equal("observable", inside.Str("kind"));
        Assert.Equal([withBlock], Numbers(inside));
        Assert.Contains($"{net}.0/24", ObservableValues(inside));
        Assert.Empty(ReportIds(inside));

        var exact = await Search($"{net}[.]55");
        Assert.Equal([withBlock], Numbers(exact));
        Assert.Equal([report.ToString()], ReportIds(exact));

        var block = await Search($"{net}.0/24");
        Assert.Equal([withBlock], Numbers(block));
        Assert.Equal([report.ToString()], ReportIds(block));
        Assert.Contains($"{net}.55", ObservableValues(block));
        Assert.Contains($"{net}.56", ObservableValues(block));

        // A block not aligned on an octet (/10) holds the /24 and the addresses.
        var wide = await Search("100.64.0.0/10");
        Assert.Contains(withBlock, Numbers(await Search("100.64.0.0/10", group: "incidents")));
        Assert.Contains($"{net}.55", ObservableValues(wide));
        // The neighbouring /24 holds none of them.
        var other = $"100.{64 + third}.{(int.Parse(net.Split('.')[2]) + 1) % 256}.1";
        Assert.DoesNotContain(withBlock, Numbers(await Search(other)));
    }

    [Fact]
    public async Task IPv6_addresses_and_blocks_are_found_both_ways()
    {
        var w = Word();
        var group = RandomNumberGenerator.GetInt32(0x1000, 0xffff).ToString("x");
        var number = await Incident($"IPv6 scan {w}", observables: [$"2001:db8:{group}::/48"]);
        var report = await Report($"IPv6 {w}", $"Probes from 2001:db8:{group}::beef today.");
        Assert.Equal([number], Numbers(await Search($"2001:db8:{group}::1")));
        Assert.Equal([report.ToString()], ReportIds(await Search($"2001:db8:{group}::/48")));
        Assert.Contains(report.ToString(), ReportIds(await Search("2001:db8::/32", group: "reports")));
    }

    [Fact]
    public async Task A_domain_finds_itself_its_subdomains_and_the_URLs_and_addresses_on_them_but_not_lookalikes()
    {
        var w = Word();
        var domain = $"{w}.example";
        var number = await Incident($"Phishing kit {w}", observables: [domain]);
        var report = await Report("Phishing", $"Links to hxxps://login.{w}[.]example/account and mail from billing@pay.{domain}.");
        var lookalike = await Report("Other", $"Unrelated site not{w}.example and {w}.example.org.");

        var r = await Search(domain);
        Assert.Equal("observable", r.Str("kind"));
        Assert.Equal([number], Numbers(r));
        Assert.Equal([report.ToString()], ReportIds(r));
        Assert.Contains($"https://login.{domain}/account", ObservableValues(r));
        Assert.Contains($"billing@pay.{domain}", ObservableValues(r));
        Assert.DoesNotContain(lookalike.ToString(), ReportIds(r));

        // A subdomain finds its own subtree only.
        var sub = await Search($"login.{domain}");
        Assert.Equal([report.ToString()], ReportIds(sub));
        Assert.Empty(Numbers(sub));
    }

    [Fact]
    public async Task Hashes_URLs_addresses_and_CVEs_are_found_by_their_normal_form()
    {
        var w = Word();
        var sha256 = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        var md5 = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var sha1 = Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();
        var number = await Incident($"Malware {w}", observables: [sha256, md5.ToUpperInvariant(), $"mailer@{w}.example"]);
        var report = await Report($"Sample {w}", $"SHA-1 {sha1} dropped by hxxp://{w}.example/a.exe exploiting CVE-2024-3094.");

        Assert.Equal([number], Numbers(await Search(sha256.ToUpperInvariant())));
        Assert.Equal([number], Numbers(await Search(md5)));
        Assert.Equal([report.ToString()], ReportIds(await Search(sha1)));
        Assert.Equal([report.ToString()], ReportIds(await Search($"http://{w}.example/a.exe")));
        Assert.Equal([number], Numbers(await Search($"mailer[@]{w}.example")));
        Assert.Contains(report.ToString(), ReportIds(await Search("cve-2024-3094", group: "reports")));
    }

    [Fact]
    public async Task A_red_incident_of_another_analyst_and_its_reports_are_invisible_to_the_analyst_but_not_to_the_lead()
    {
        var w = Word();
        var ip = $"100.127.{RandomNumberGenerator.GetInt32(0, 256)}.{RandomNumberGenerator.GetInt32(1, 255)}";
        var red = await Incident($"Merger intrusion {w}", "Board documents exfiltrated.", tlp: "TLP:RED", user: "lead", observables: [ip]);
        var report = await Report($"About {w}", $"Exfiltration to {ip} observed.", red);
        var amber = await Incident($"Visible {w}");

        foreach (var q in new[] { w, ip, red })
        {
            var analyst = await Search(q);
            Assert.DoesNotContain(red, Numbers(analyst));
            Assert.DoesNotContain(report.ToString(), ReportIds(analyst));
            // Not even a count gives the RED incident away.
            Assert.All(analyst["observables"]!.AsArray(), o => Assert.Equal(0, o!["incidents"]!.GetValue<int>()));
            Assert.All(analyst["observables"]!.AsArray(), o => Assert.Equal(0, o!["reports"]!.GetValue<int>()));
        }
        Assert.Equal([amber], Numbers(await Search(w)));
        Assert.Equal([amber], Numbers(await Search(w, user: "auditor")));

        var lead = await Search(w, user: "lead");
        Assert.Equal([amber, red], Numbers(lead));
        Assert.Equal([report.ToString()], ReportIds(await Search(ip, user: "lead")));
    }

    [Fact]
    public async Task Groups_are_paged()
    {
        var w = Word();
        var numbers = new List<string>();
        for (var i = 0; i < SearchService.OverviewSize + 3; i++)
        {
            numbers.Add(await Incident($"Paged {w} {i}"));
        }
        numbers.Reverse();
        var first = await Search(w);
        Assert.Equal(numbers.Take(SearchService.OverviewSize), Numbers(first));
        Assert.Equal(SearchService.OverviewSize, first["incidents"]!["nextOffset"]!.GetValue<int>());
        var all = await Search(w, group: "incidents");
        Assert.Equal(numbers, Numbers(all));
        Assert.Null(all["incidents"]!["nextOffset"]);
        Assert.Empty(ReportIds(all));
        var second = await app.Client().GetAsync($"/api/v1/search?q={w}&group=incidents&offset=10", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(numbers.Skip(10), Numbers(second));
        await app.Client().GetAsync($"/api/v1/search?q={w}&group=everything", Ct).ExpectProblem(HttpStatusCode.BadRequest);
        await app.Client(null).GetAsync($"/api/v1/search?q={w}", Ct).Expect(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_index_follows_changes_of_titles_and_report_texts()
    {
        var w = Word();
        var w2 = Word();
        var number = await Incident($"Before {w}");
        await app.Client().PatchJson($"/api/v1/incidents/{number}", new { title = $"After {w2}" }).Expect(HttpStatusCode.OK);
        Assert.Empty(Numbers(await Search(w)));
        Assert.Equal([number], Numbers(await Search(w2)));
    }
}

public sealed class SearchSqliteTests(SqliteApp app) : SearchTests(app), IClassFixture<SqliteApp>
{
    private readonly SqliteApp _app = app;

    [Fact]
    public async Task The_search_triggers_survive_every_migration()
    {
        await using var scope = _app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var conn = (SqliteConnection)db.Database.GetDbConnection();
        await conn.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'trigger'";
        var triggers = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                triggers.Add(reader.GetString(0));
            }
        }
        Assert.All(SearchSchema.SqliteTriggers, t => Assert.Contains(t, triggers));
    }
}

public sealed class SearchPostgresTests(PostgresApp app) : SearchTests(app), IClassFixture<PostgresApp>;
