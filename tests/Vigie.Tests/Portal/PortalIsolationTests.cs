using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Reports;
using Vigie.Core.Sharing;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Constituents;
using Vigie.Features.Correspondence;
using Vigie.Features.Identity;
using Vigie.Tests.Evidence;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Pgp;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Portal;

/// <summary>
/// Two organisations, A and B, each with a contact; incidents, correspondence, evidence and reports on
/// both sides. The contact of A sees A's and never B's, whatever id they try on the portal's API and pages
/// (404, never 403, never B's data in the body); TLP:RED only when named; staff API closed to contacts.
/// </summary>
public abstract class PortalIsolationTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One test's two organisations (names unique per test: tests share the host).</summary>
    private sealed record World(
        string ContactA, string TokenA, string TokenAReadOnly, string ContactB, string TokenB,
        string IncidentA, string RedNamed, string RedNotNamed, string IncidentB, string TitleB,
        Guid MessageB, Guid MessageA, Guid EvidenceB, Guid ReportB);

    private HttpClient As(string token)
    {
        var client = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> IncidentAsync(string title, string tlp, Guid constituent) =>
        (await app.Client("lead").PostJson("/api/v1/incidents", new { title, tlp, constituentId = constituent }).Expect(HttpStatusCode.Created))
        .Str("number");

    private async Task<World> WorldAsync()
    {
        app.SkipIfUnavailable();
        var x = Guid.NewGuid().ToString("N")[..8];
        var contactA = $"soc@a-{x}.example";
        var contactARo = $"ciso@a-{x}.example";
        var contactB = $"soc@b-{x}.example";
        Guid orgA, orgB;
        string tokenA, tokenARo, tokenB;
        await using (var scope = app.Scope())
        {
            var constituents = scope.ServiceProvider.GetRequiredService<ConstituentService>();
            orgA = (await constituents.CreateAsync(new ConstituentRequest($"Org A {x}", "client", new ContractDto("C-A", "gold", false), null,
                [new ContactRequest("SOC A", contactA, "security", null, null), new ContactRequest("CISO A", contactARo, "management", null, null)], []),
                Ct)).Value!.Id;
            orgB = (await constituents.CreateAsync(new ConstituentRequest($"Org B {x}", "client", new ContractDto("C-B", "gold", false), null,
                [new ContactRequest("SOC B", contactB, "security", null, null)], []), Ct)).Value!.Id;
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            tokenA = app.AddUser(db, contactA, UserRole.Constituent, TokenScope.Write, orgA, fullName: "Sol Contact-A");
            tokenARo = app.AddUser(db, contactARo, UserRole.Constituent, TokenScope.Read, orgA, fullName: "Cyd Contact-A");
            tokenB = app.AddUser(db, contactB, UserRole.Constituent, TokenScope.Write, orgB, fullName: "Bea Contact-B");
            await db.SaveChangesAsync(Ct);
        }
        var incidentA = await IncidentAsync($"Phishing at A {x}", "TLP:AMBER", orgA);
        var redNamed = await IncidentAsync($"Red named A {x}", "TLP:RED", orgA);
        var redNotNamed = await IncidentAsync($"Red secret A {x}", "TLP:RED", orgA);
        var titleB = $"Breach-of-B-{x}";
        var incidentB = await IncidentAsync(titleB, "TLP:AMBER", orgB);

        Guid messageA, messageB;
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var now = app.Time.GetUtcNow();
            var ids = await db.Incidents.Where(i => new[] { incidentA, redNamed, incidentB }.Contains(i.Number))
                .ToDictionaryAsync(i => i.Number, i => i.Id, Ct);
            CorrespondenceParty Party(string number, string email, Guid org, bool named) => new()
            {
                Id = Guid.CreateVersion7(), IncidentId = ids[number], Kind = PartyKind.ConstituentContact, Name = email, Email = email,
                ConstituentId = org, NamedRecipient = named, AddedBy = "lead@csirt.test", AddedAt = now,
            };
            var partyA = Party(incidentA, contactA, orgA, false);
            var partyB = Party(incidentB, contactB, orgB, false);
            db.CorrespondenceParties.AddRange(partyA, partyB, Party(redNamed, contactA, orgA, true));
            CorrespondenceMessage Message(CorrespondenceParty p, string text) => new()
            {
                Id = Guid.CreateVersion7(), IncidentId = p.IncidentId, PartyId = p.Id, Direction = MessageDirection.Out, Subject = "About " + text,
                Text = text, Language = "en", Status = MessageStatus.Sent, CreatedBy = "analyst@csirt.test", CreatedAt = now,
            };
            var a = Message(partyA, $"Dear A, please reset the passwords {x}");
            var b = Message(partyB, $"Dear B, the secret-of-B-{x} is out");
            db.CorrespondenceMessages.AddRange(a, b);
            await db.SaveChangesAsync(Ct);
            (messageA, messageB) = (a.Id, b.Id);
        }
        var evidenceB = await As(tokenB).PostAsync($"/api/v1/portal/incidents/{incidentB}/evidence",
            EvidenceApiTests.Form(Encoding.UTF8.GetBytes($"logs of B {x}"), "b-logs.txt", "text/plain"), Ct).Expect(HttpStatusCode.Created);
        var reportB = await As(tokenB).PostJson("/api/v1/portal/reports", new { subject = $"Report-of-B-{x}", text = "B's own words" })
            .Expect(HttpStatusCode.Accepted);
        return new World(contactA, tokenA, tokenARo, contactB, tokenB, incidentA, redNamed, redNotNamed, incidentB, titleB,
            messageB, messageA, Guid.Parse(evidenceB.Str("id")), Guid.Parse(reportB.Str("report")));
    }

    [Fact]
    public async Task A_contact_lists_their_organisations_incidents_and_red_ones_only_when_named()
    {
        var w = await WorldAsync();
        var list = (await As(w.TokenA).GetAsync("/api/v1/portal/incidents", Ct).Expect(HttpStatusCode.OK)).AsArray()
            .Select(i => i!.Str("number")).ToList();
        Assert.Contains(w.IncidentA, list);
        Assert.Contains(w.RedNamed, list);
        Assert.DoesNotContain(w.RedNotNamed, list);
        Assert.DoesNotContain(w.IncidentB, list);

        // The other contact of A is named on no RED incident: sees the AMBER one only.
        var other = (await As(w.TokenAReadOnly).GetAsync("/api/v1/portal/incidents", Ct).Expect(HttpStatusCode.OK)).AsArray()
            .Select(i => i!.Str("number")).ToList();
        Assert.Contains(w.IncidentA, other);
        Assert.DoesNotContain(w.RedNamed, other);
        Assert.DoesNotContain(w.RedNotNamed, other);
        await As(w.TokenAReadOnly).GetAsync($"/api/v1/portal/incidents/{w.RedNamed}", Ct).ExpectProblem(HttpStatusCode.NotFound);
        await As(w.TokenA).GetAsync($"/api/v1/portal/incidents/{w.RedNotNamed}", Ct).ExpectProblem(HttpStatusCode.NotFound);

        using var page = await As(w.TokenA).GetAsync("/portal", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains(w.IncidentA, html);
        Assert.Contains(w.RedNamed, html);
        Assert.DoesNotContain(w.RedNotNamed, html);
        Assert.DoesNotContain(w.IncidentB, html);
        Assert.DoesNotContain(w.TitleB, html);
    }

    [Fact]
    public async Task The_detail_shows_the_contacts_thread_and_nothing_internal()
    {
        var w = await WorldAsync();
        var detail = await As(w.TokenA).GetAsync($"/api/v1/portal/incidents/{w.IncidentA}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal("TLP:AMBER", detail["incident"]!.Str("tlp"));
        var messages = detail["messages"]!.AsArray();
        Assert.Equal(w.MessageA.ToString(), Assert.Single(messages)!.Str("id"));
        var json = detail.ToJsonString();
        Assert.DoesNotContain("assignee", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("createdBy", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret-of-B", json);
        await As(w.TokenA).GetAsync($"/api/v1/portal/incidents/{w.IncidentA}/messages/{w.MessageA}", Ct).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Every_portal_route_with_the_other_organisations_ids_answers_not_found_and_shows_nothing_of_it()
    {
        var w = await WorldAsync();
        var evidenceFile = () => EvidenceApiTests.Form("x"u8.ToArray(), "x.txt", "text/plain");
        (string Method, string Path, Func<HttpContent?> Body)[] tries =
        [
            ("GET", $"/api/v1/portal/incidents/{w.IncidentB}", () => null),
            ("GET", $"/api/v1/portal/incidents/{w.IncidentB}/messages/{w.MessageB}", () => null),
            ("GET", $"/api/v1/portal/incidents/{w.IncidentA}/messages/{w.MessageB}", () => null),
            ("POST", $"/api/v1/portal/incidents/{w.IncidentB}/replies", () => JsonContent("{\"text\":\"hello\"}")),
            ("POST", $"/api/v1/portal/incidents/{w.IncidentB}/evidence", evidenceFile),
            ("GET", $"/api/v1/portal/incidents/{w.IncidentB}/evidence/{w.EvidenceB}/content", () => null),
            ("GET", $"/api/v1/portal/incidents/{w.IncidentA}/evidence/{w.EvidenceB}/content", () => null),
            ("GET", $"/api/v1/portal/reports/{w.ReportB}", () => null),
            ("GET", $"/api/v1/portal/incidents/{w.RedNotNamed}", () => null),
            ("POST", $"/portal/incidents/{w.IncidentB}/evidence", evidenceFile),
            ("GET", $"/portal/incidents/{w.IncidentB}", () => null),
            ("GET", $"/portal/incidents/{w.RedNotNamed}", () => null),
            ("GET", $"/portal/reports/{w.ReportB}", () => null),
        ];
        // By number and by id: an incident's GUID is no key either.
        Guid idB;
        await using (var scope = app.Scope())
        {
            idB = await scope.ServiceProvider.GetRequiredService<VigieDb>().Incidents.Where(i => i.Number == w.IncidentB).Select(i => i.Id).FirstAsync(Ct);
        }
        tries = [.. tries, ("GET", $"/api/v1/portal/incidents/{idB}", () => null), ("GET", $"/portal/incidents/{idB}", () => null)];

        var wrong = new List<string>();
        foreach (var (method, path, body) in tries)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body() };
            using var response = await As(w.TokenA).SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                wrong.Add($"{method} {path}: {(int)response.StatusCode}");
            }
            foreach (var leak in new[] { w.TitleB, "secret-of-B", "Report-of-B", "logs of B", w.ContactB })
            {
                if (text.Contains(leak, StringComparison.Ordinal))
                {
                    wrong.Add($"{method} {path}: the body holds '{leak}'");
                }
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // Nothing was written on B's side by those tries.
        await using var check = app.Scope();
        var db = check.ServiceProvider.GetRequiredService<VigieDb>();
        Assert.Equal(1, await db.EvidenceItems.CountAsync(e => e.IncidentId == idB, Ct));
        Assert.False(await db.Reports.AnyAsync(r => r.SubmittedBy == "portal:" + w.ContactA, Ct));
        Assert.False(await db.CorrespondenceParties.AnyAsync(p => p.IncidentId == idB && p.Email == w.ContactA, Ct));
    }

    private static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task A_contact_token_is_forbidden_on_the_staff_api()
    {
        var w = await WorldAsync();
        foreach (var path in new[] { "/api/v1/incidents", $"/api/v1/incidents/{w.IncidentA}", "/api/v1/reports", $"/api/v1/reports/{w.ReportB}",
                     $"/api/v1/incidents/{w.IncidentA}/correspondence", "/api/v1/search?q=phishing", "/api/v1/constituents" })
        {
            using var response = await As(w.TokenA).GetAsync(path, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode}");
        }
        using var page = await As(w.TokenA).GetAsync($"/incidents/{w.IncidentA}", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);
    }

    [Fact]
    public async Task A_reply_goes_in_as_correspondence_from_the_contact_and_the_analyst_sees_it()
    {
        var w = await WorldAsync();
        var accepted = await As(w.TokenA).PostJson($"/api/v1/portal/incidents/{w.IncidentA}/replies", new { text = "Passwords reset at 14:00." })
            .Expect(HttpStatusCode.Accepted);
        var reportId = Guid.Parse(accepted.Str("report"));
        await Eventually(async () =>
        {
            await using var scope = app.Scope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            return await db.Reports.AnyAsync(r => r.Id == reportId && r.Status == ReportStatus.Processed, Ct)
                && await db.CorrespondenceMessages.AnyAsync(m => m.ReportId == reportId, Ct);
        }, "the reply to be read and threaded");

        var detail = await As(w.TokenA).GetAsync($"/api/v1/portal/incidents/{w.IncidentA}", Ct).Expect(HttpStatusCode.OK);
        var inbound = detail["messages"]!.AsArray().Single(m => m!.Str("direction") == "in");
        Assert.Contains("Passwords reset at 14:00.", inbound!.Str("text"));

        var staff = await app.Client("analyst").GetAsync($"/api/v1/incidents/{w.IncidentA}/correspondence", Ct).Expect(HttpStatusCode.OK);
        Assert.Contains(w.ContactA, staff.ToJsonString());
        Assert.Contains(reportId.ToString(), staff.ToJsonString());
        var report = await app.Client("analyst").GetAsync($"/api/v1/reports/{reportId}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal("reply", report.Str("kind"));

        // Blank and read-only: refused with problem details.
        await As(w.TokenA).PostJson($"/api/v1/portal/incidents/{w.IncidentA}/replies", new { text = "  " }).ExpectProblem(HttpStatusCode.BadRequest);
        await As(w.TokenAReadOnly).PostJson($"/api/v1/portal/incidents/{w.IncidentA}/replies", new { text = "hi" })
            .ExpectProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_report_filed_in_the_portal_is_stored_before_the_answer_and_read_like_a_mail()
    {
        var w = await WorldAsync();
        var accepted = await As(w.TokenA).PostJson("/api/v1/portal/reports", new { subject = "Strange login from 203.0.113.9", text = "Seen in our VPN logs." })
            .Expect(HttpStatusCode.Accepted);
        var id = Guid.Parse(accepted.Str("report"));
        await using (var scope = app.Scope())
        {
            // Durable at the answer: the row is there (and its raw bytes in the blob store).
            var report = await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.AsNoTracking().FirstAsync(r => r.Id == id, Ct);
            Assert.Equal(ReportSource.WebForm, report.Source);
            Assert.Equal("portal:" + w.ContactA, report.SubmittedBy);
        }
        var mine = await As(w.TokenA).GetAsync($"/api/v1/portal/reports/{id}", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal("Strange login from 203.0.113.9", mine.Str("subject"));
        var list = (await As(w.TokenA).GetAsync("/api/v1/portal/reports", Ct).Expect(HttpStatusCode.OK)).AsArray().Select(r => r!.Str("id"));
        Assert.Contains(id.ToString(), list);
        Assert.DoesNotContain(w.ReportB.ToString(), list);
        await As(w.TokenB).GetAsync($"/api/v1/portal/reports/{id}", Ct).ExpectProblem(HttpStatusCode.NotFound);
        await app.Client("analyst").GetAsync($"/api/v1/reports/{id}", Ct).Expect(HttpStatusCode.OK);
        // Read like a mail from a known contact: the intake opens (or threads to) an incident of their organisation and
        // acknowledges it; the contact then finds that incident from their report, and the team in the workspace.
        await Eventually(async () =>
            (await As(w.TokenA).GetAsync($"/api/v1/portal/reports/{id}", Ct).Expect(HttpStatusCode.OK))["incident"] is not null,
            "the report to be read and linked to an incident");
        var number = (await As(w.TokenA).GetAsync($"/api/v1/portal/reports/{id}", Ct).Expect(HttpStatusCode.OK)).Str("incident");
        await As(w.TokenA).GetAsync($"/api/v1/portal/incidents/{number}", Ct).Expect(HttpStatusCode.OK);
        await app.Client("analyst").GetAsync($"/api/v1/incidents/{number}", Ct).Expect(HttpStatusCode.OK);
        await As(w.TokenB).GetAsync($"/api/v1/portal/incidents/{number}", Ct).ExpectProblem(HttpStatusCode.NotFound);

        var bad = await As(w.TokenA).PostJson("/api/v1/portal/reports", new { subject = "", text = "" }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("subject", bad.ToJsonString());
        await As(w.TokenAReadOnly).PostJson("/api/v1/portal/reports", new { subject = "s", text = "t" }).ExpectProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Evidence_from_the_portal_is_sanitised_recorded_and_visible_to_its_contact_only()
    {
        var w = await WorldAsync();
        var added = await As(w.TokenA).PostAsync($"/api/v1/portal/incidents/{w.IncidentA}/evidence",
            EvidenceApiTests.Form("firewall log"u8.ToArray(), "../../etc/passwd", "text/plain"), Ct).Expect(HttpStatusCode.Created);
        var name = added.Str("fileName");
        Assert.DoesNotContain("/", name);
        Assert.DoesNotContain("..", name);
        var id = added.Str("id");
        using var content = await As(w.TokenA).GetAsync($"/api/v1/portal/incidents/{w.IncidentA}/evidence/{id}/content", Ct);
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal("firewall log", await content.Content.ReadAsStringAsync(Ct));
        // The other contact of A did not hand it in: not theirs to see.
        await As(w.TokenAReadOnly).GetAsync($"/api/v1/portal/incidents/{w.IncidentA}/evidence/{id}/content", Ct).ExpectProblem(HttpStatusCode.NotFound);
        await As(w.TokenAReadOnly).PostAsync($"/api/v1/portal/incidents/{w.IncidentA}/evidence",
            EvidenceApiTests.Form("x"u8.ToArray(), "x.txt"), Ct).ExpectProblem(HttpStatusCode.Forbidden);
        // The team sees it, with the contact as the one who handed it in.
        var staff = await app.Client("analyst").GetAsync($"/api/v1/incidents/{w.IncidentA}/evidence", Ct).Expect(HttpStatusCode.OK);
        Assert.Contains(staff.AsArray(), e => e!.Str("id") == id && e.Str("addedBy") == w.ContactA);
    }

    [Fact]
    public async Task A_contact_manages_their_own_openpgp_key()
    {
        var w = await WorldAsync();
        var none = await As(w.TokenA).GetAsync("/api/v1/portal/key", Ct).Expect(HttpStatusCode.OK);
        Assert.Empty(none["fingerprints"]!.AsArray());
        var key = await File.ReadAllTextAsync(TestKeys.File("alice.pub.asc"), Ct);
        var set = await As(w.TokenA).PutJson("/api/v1/portal/key", new { pgpPublicKey = key }).Expect(HttpStatusCode.OK);
        Assert.Contains(TestKeys.AliceFingerprint, set["fingerprints"]!.AsArray().Select(f => f!.GetValue<string>()));
        await using (var scope = app.Scope())
        {
            var contact = await scope.ServiceProvider.GetRequiredService<VigieDb>().Contacts.AsNoTracking().FirstAsync(c => c.Email == w.ContactA, Ct);
            Assert.Contains("BEGIN PGP PUBLIC KEY BLOCK", contact.PgpPublicKey);
        }
        var secret = await File.ReadAllTextAsync(TestKeys.File("alice.sec.asc"), Ct);
        await As(w.TokenA).PutJson("/api/v1/portal/key", new { pgpPublicKey = secret }).ExpectProblem(HttpStatusCode.BadRequest);
        await As(w.TokenA).PutJson("/api/v1/portal/key", new { pgpPublicKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----" })
            .ExpectProblem(HttpStatusCode.BadRequest);
        await As(w.TokenAReadOnly).PutJson("/api/v1/portal/key", new { pgpPublicKey = key }).ExpectProblem(HttpStatusCode.Forbidden);
        // B's key is untouched by A's changes.
        Assert.Empty((await As(w.TokenB).GetAsync("/api/v1/portal/key", Ct).Expect(HttpStatusCode.OK))["fingerprints"]!.AsArray());
        using var removed = await As(w.TokenA).DeleteAsync("/api/v1/portal/key", Ct);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Empty((await As(w.TokenA).GetAsync("/api/v1/portal/key", Ct).Expect(HttpStatusCode.OK))["fingerprints"]!.AsArray());
    }

    [Fact]
    public async Task Reads_in_the_portal_are_recorded_in_the_audit_log()
    {
        var w = await WorldAsync();
        await As(w.TokenA).GetAsync($"/api/v1/portal/incidents/{w.IncidentA}", Ct).Expect(HttpStatusCode.OK);
        using (var page = await As(w.TokenA).GetAsync($"/portal/incidents/{w.IncidentA}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        await using var scope = app.Scope();
        var reads = await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Action == AuditActions.Read && e.Actor == w.ContactA && e.ObjectKind == "incident" && e.ObjectId == w.IncidentA)
            .CountAsync(Ct);
        Assert.Equal(2, reads);
    }
}

public sealed class PortalIsolationSqliteTests(SqliteApp app) : PortalIsolationTests(app), IClassFixture<SqliteApp>;

public sealed class PortalIsolationPostgresTests(PostgresApp app) : PortalIsolationTests(app), IClassFixture<PostgresApp>;
