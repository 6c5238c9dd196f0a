using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Incidents;
using Vigie.Features.Triage;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Intake;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Triage;

/// <summary>
/// The intake host (SMTP sink as relay, team key, constituents Lilas and Mimosa) with intake's own
/// automatic answers turned off, so that reports wait in the triage queue and every mail the sink
/// receives comes from a triage decision.
/// </summary>
public abstract class TriageApp : IntakeApp
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings() =>
        new Dictionary<string, string>(base.ExtraSettings()) { ["Vigie:Answers:Enabled"] = "false" };
}

public sealed class TriageSqliteApp : TriageApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class TriagePostgresApp : TriageApp
{
    public override Provider Provider => Provider.Postgres;
}

/// <summary>Triage decisions through the API (and the service the pages use), on both databases.</summary>
public abstract class TriageTests(TriageApp app)
{
    /// <summary>Submits a raw message through the API and waits until intake has read it.</summary>
    private async Task<Guid> DeliverAsync(string from, string subject, string body, string? extraHeaders = null)
    {
        var tag = Guid.NewGuid().ToString("N");
        var raw = Encoding.UTF8.GetBytes(
            $"From: {from}\r\nTo: cert@csirt.test\r\nSubject: {subject}\r\nMessage-ID: <{tag}@test.example>\r\n" +
            $"Date: Mon, 09 Mar 2026 09:12:00 +0100\r\nMIME-Version: 1.0\r\n{extraHeaders}" +
            $"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n");
        var content = new ByteArrayContent(raw);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("message/rfc822");
        var created = await app.Client().PostAsync("/api/v1/reports", content, Ct).Expect(HttpStatusCode.Created);
        var id = Guid.Parse(created.Str("id"));
        await Eventually(async () =>
        {
            await using var scope = app.Scope();
            return await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports
                .AnyAsync(r => r.Id == id && r.Status == ReportStatus.Processed && r.AnswerNote != null, Ct);
        }, "the report to be read");
        return id;
    }

    private async Task<Report> ReportAsync(Guid id)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.AsNoTracking()
            .Include(r => r.Observables).FirstAsync(r => r.Id == id, Ct);
    }

    private Task<JsonNode> DecideAsync(Guid id, object body, HttpStatusCode expected = HttpStatusCode.OK, string user = "analyst") =>
        expected == HttpStatusCode.OK
            ? app.Client(user).PostJson($"/api/v1/reports/{id}/triage", body).Expect(expected)
            : app.Client(user).PostJson($"/api/v1/reports/{id}/triage", body).ExpectProblem(expected);

    private async Task<bool> InQueueAsync(Guid id)
    {
        var queue = await app.Client("auditor").GetAsync("/api/v1/reports/queue?limit=500", Ct).Expect(HttpStatusCode.OK);
        return queue["items"]!.AsArray().Any(i => i!["report"]!.Str("id") == id.ToString());
    }

    private async Task<string> CreateIncidentAsync(string title, string tlp = "TLP:AMBER", string user = "analyst")
    {
        var created = await app.Client(user).PostJson("/api/v1/incidents", new { title, tlp }).Expect(HttpStatusCode.Created);
        return created.Str("number");
    }

    private IEnumerable<MimeMessage> MailTo(string address) =>
        app.Sink.Received.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).Select(m => Mime(m.Data));

    [Fact]
    public async Task Spam_leaves_the_queue_and_reopen_puts_it_back()
    {
        var id = await DeliverAsync("Someone <someone@elsewhere.example>", "Cheap pills", "Buy now at 198.51.100.7");
        Assert.True(await InQueueAsync(id));

        var state = await DecideAsync(id, new { decision = "spam" });
        Assert.Equal("spam", state.Str("triage"));
        Assert.Equal("analyst@csirt.test", state.Str("triagedBy"));
        Assert.False(await InQueueAsync(id));
        var report = await ReportAsync(id);
        Assert.Equal(TriageStatus.Spam, report.Triage);

        state = await DecideAsync(id, new { decision = "reopen" });
        Assert.Equal("pending", state.Str("triage"));
        Assert.True(await InQueueAsync(id));
    }

    [Fact]
    public async Task Handled_closes_without_incident_and_unknown_decisions_are_refused()
    {
        var id = await DeliverAsync("Someone <someone@elsewhere.example>", "A question", "What are your office hours?");
        var problem = await DecideAsync(id, new { decision = "delete" }, HttpStatusCode.BadRequest);
        Assert.Contains("spam, duplicate, notForUs, handled, reopen, attach", problem.Str("detail"), StringComparison.Ordinal);
        var state = await DecideAsync(id, new { decision = "handled" });
        Assert.Equal("handled", state.Str("triage"));
        Assert.Null((await ReportAsync(id)).IncidentId);
    }

    [Fact]
    public async Task Not_for_us_sends_one_bilingual_redirection_to_a_person_and_never_twice()
    {
        var address = $"person-{Guid.NewGuid():N}@elsewhere.example";
        var id = await DeliverAsync($"A Person <{address}>", "Suspicious login page", "Bonjour, j'ai trouvé une page suspecte chez un hébergeur inconnu.");
        Assert.Empty(MailTo(address)); // intake's own answers are off: the queue decides

        var state = await DecideAsync(id, new { decision = "notForUs" });
        Assert.Equal("notForUs", state.Str("triage"));
        Assert.True(state["answerQueued"]!.GetValue<bool>(), state.ToJsonString());

        await Eventually(() => Task.FromResult(MailTo(address).Any()), "the redirection at the relay");
        var answer = Assert.Single(MailTo(address));
        Assert.Equal("auto-replied", answer.Headers[HeaderId.AutoSubmitted]);
        var text = answer.Body switch
        {
            MultipartSigned signed => ((TextPart)signed[0]).Text,
            TextPart plain => plain.Text,
            var other => other?.ToString() ?? "",
        };
        var french = text.IndexOf("pas pu le rattacher", StringComparison.Ordinal);
        var english = text.IndexOf("could not match it", StringComparison.Ordinal);
        Assert.True(french >= 0 && english > french, text); // French first: the report was in French
        Assert.StartsWith(TriageService.RedirectedPrefix + address, (await ReportAsync(id)).AnswerNote, StringComparison.Ordinal);

        // Reopened and decided again: the reporter was already redirected, so no second mail.
        await DecideAsync(id, new { decision = "reopen" });
        state = await DecideAsync(id, new { decision = "notForUs" });
        Assert.False(state["answerQueued"]!.GetValue<bool>());
        await Task.Delay(500, Ct);
        Assert.Single(MailTo(address));
    }

    [Fact]
    public async Task Not_for_us_answers_no_auto_submitted_sender()
    {
        var address = $"robot-{Guid.NewGuid():N}@elsewhere.example";
        var id = await DeliverAsync($"Monitor <{address}>", "Alert: host down", "Host 198.51.100.9 is down.", "Auto-Submitted: auto-generated\r\n");
        var state = await DecideAsync(id, new { decision = "notForUs" });
        Assert.Equal("notForUs", state.Str("triage"));
        Assert.False(state["answerQueued"]!.GetValue<bool>());
        Assert.Contains("auto-submitted", state.Str("answer"), StringComparison.Ordinal);
        await Task.Delay(500, Ct);
        Assert.Empty(MailTo(address));
        await using var scope = app.Scope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<VigieDb>().OutboundMessages.AnyAsync(m => m.ReportId == id, Ct));
    }

    [Fact]
    public async Task Bulk_spam_decides_each_report_and_names_the_ones_it_could_not()
    {
        var a = await DeliverAsync("x <x@spam.example>", "Offer 1", "Buy");
        var b = await DeliverAsync("x <x@spam.example>", "Offer 2", "Buy");
        var c = await DeliverAsync("x <x@spam.example>", "Offer 3", "Buy");
        var missing = Guid.NewGuid();
        var result = await app.Client().PostJson("/api/v1/reports/triage", new { ids = new[] { a, b, c, missing }, decision = "spam" })
            .Expect(HttpStatusCode.OK);
        Assert.Equal(3, result["succeeded"]!.GetValue<int>());
        Assert.Equal(1, result["failed"]!.GetValue<int>());
        var failed = result["items"]!.AsArray().Single(i => !i!["ok"]!.GetValue<bool>());
        Assert.Equal(missing.ToString(), failed!.Str("id"));
        Assert.Equal("not-found", failed.Str("code"));
        foreach (var id in new[] { a, b, c })
        {
            Assert.Equal(TriageStatus.Spam, (await ReportAsync(id)).Triage);
        }

        await app.Client().PostJson("/api/v1/reports/triage", new { ids = Array.Empty<Guid>(), decision = "spam" }).ExpectProblem(HttpStatusCode.BadRequest);
        await app.Client("analyst-readonly").PostJson("/api/v1/reports/triage", new { ids = new[] { a }, decision = "reopen" })
            .Expect(HttpStatusCode.Forbidden);
        Assert.Equal(TriageStatus.Spam, (await ReportAsync(a)).Triage);
    }

    [Fact]
    public async Task Duplicates_name_an_existing_original_and_chains_are_flattened()
    {
        var original = await DeliverAsync("r <r@elsewhere.example>", "Phish 1", "hxxp://bad.example/login");
        var second = await DeliverAsync("r <r@elsewhere.example>", "Phish 2", "hxxp://bad.example/login");
        var third = await DeliverAsync("r <r@elsewhere.example>", "Phish 3", "hxxp://bad.example/login");

        await DecideAsync(second, new { decision = "duplicate" }, HttpStatusCode.BadRequest);
        await DecideAsync(second, new { decision = "duplicate", duplicateOf = second }, HttpStatusCode.BadRequest);
        await DecideAsync(second, new { decision = "duplicate", duplicateOf = Guid.NewGuid() }, HttpStatusCode.BadRequest);
        await DecideAsync(second, new { decision = "spam", duplicateOf = original }, HttpStatusCode.BadRequest);

        var state = await DecideAsync(second, new { decision = "duplicate", duplicateOf = original });
        Assert.Equal(original.ToString(), state.Str("duplicateOf"));
        // A duplicate of a duplicate points at the original.
        state = await DecideAsync(third, new { decision = "duplicate", duplicateOf = second });
        Assert.Equal(original.ToString(), state.Str("duplicateOf"));
        // And the original cannot become a duplicate of its own duplicate (no cycle).
        await DecideAsync(original, new { decision = "duplicate", duplicateOf = third }, HttpStatusCode.BadRequest);
        Assert.Equal(TriageStatus.Pending, (await ReportAsync(original)).Triage);
    }

    [Fact]
    public async Task Attaching_links_the_report_copies_its_observables_once_and_a_linked_report_cannot_be_dismissed()
    {
        var number = await CreateIncidentAsync("Campaign against Lilas");
        var a = await DeliverAsync("r <r@elsewhere.example>", "Phish A", "Login page at hxxps://login-lilas[.]example/a on 45.83.64.20");
        var b = await DeliverAsync("r <r@elsewhere.example>", "Phish B", "Same host 45.83.64.20 again");
        var result = await app.Client().PostJson("/api/v1/reports/triage", new { ids = new[] { a, b }, decision = "attach", incident = number })
            .Expect(HttpStatusCode.OK);
        Assert.Equal(2, result["succeeded"]!.GetValue<int>());
        Assert.Equal(number, result.Str("incident"));

        var observables = await app.Client().GetAsync($"/api/v1/incidents/{number}/observables", Ct).Expect(HttpStatusCode.OK);
        var values = observables.AsArray().Select(o => o!.Str("value")).ToList();
        Assert.Single(values, v => v == "45.83.64.20"); // in both reports, copied once
        Assert.Contains("https://login-lilas.example/a", values);
        var timeline = await app.Client().GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(2, timeline.AsArray().Count(e => e!.Str("kind") == "reportLinked"));
        Assert.Equal(TriageStatus.Linked, (await ReportAsync(a)).Triage);

        var other = await CreateIncidentAsync("Another one");
        var again = await app.Client().PostJson($"/api/v1/reports/{a}/triage", new { decision = "attach", incident = other }).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("already-linked", again.Str("code"));
        await DecideAsync(a, new { decision = "spam" }, HttpStatusCode.Conflict);
        await app.Client().PostJson($"/api/v1/reports/{b}/triage", new { decision = "attach" }).ExpectProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_incident_created_from_reports_links_them_and_copies_their_observables()
    {
        var a = await DeliverAsync("Reporter <rep@elsewhere.example>", "Re: Fwd: Malware on 45.83.64.33", "TLP:RED\nHost 45.83.64.33 talks to c2-evil.example.");
        var b = await DeliverAsync("Reporter <rep@elsewhere.example>", "More", "Also c2-evil.example and 45.83.64.34.");
        await using var scope = app.Scope();
        var triage = scope.ServiceProvider.GetRequiredService<TriageService>();
        var analyst = await PrincipalAsync(scope, "analyst@csirt.test");
        var created = await triage.CreateIncidentAsync(new CreateIncidentRequest("Malware on 45.83.64.33", null, "malicious-code", "infected-system",
            null, null, "TLP:AMBER", null, app.Lilas, [a, b]), analyst, Ct);
        Assert.True(created.IsSuccess, created.Error?.Message);
        var incident = created.Value!;

        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var linked = await db.Reports.AsNoTracking().Where(r => r.IncidentId == incident.Id).Select(r => r.Id).ToListAsync(Ct);
        Assert.Equal(new[] { a, b }.Order(), linked.Order());
        var values = await db.IncidentObservables.AsNoTracking().Where(o => o.IncidentId == incident.Id).Select(o => o.Value).ToListAsync(Ct);
        Assert.Equal(["45.83.64.33", "45.83.64.34", "c2-evil.example"], values.Order(StringComparer.Ordinal));

        // The same reports cannot open a second incident.
        var second = await triage.CreateIncidentAsync(new CreateIncidentRequest("Again", null, null, null, null, null, null, null, null, [a]), analyst, Ct);
        Assert.False(second.IsSuccess);
        Assert.Contains("already attached", second.Error!.Fields!["reportIds"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_attached_to_a_red_incident_is_not_found_for_an_analyst_who_may_not_see_it()
    {
        var number = await CreateIncidentAsync("Confidential", tlp: "TLP:RED", user: "lead");
        var id = await DeliverAsync("r <r@elsewhere.example>", "Confidential matter", "Details inside.");
        await app.Client("lead").PostJson($"/api/v1/reports/{id}/triage", new { decision = "attach", incident = number }).Expect(HttpStatusCode.OK);

        await app.Client("analyst").GetAsync($"/api/v1/reports/{id}", Ct).ExpectProblem(HttpStatusCode.NotFound);
        await app.Client("analyst").GetAsync($"/api/v1/reports/{id}/raw", Ct).ExpectProblem(HttpStatusCode.NotFound);
        await DecideAsync(id, new { decision = "spam" }, HttpStatusCode.NotFound);
        await app.Client("lead").GetAsync($"/api/v1/reports/{id}", Ct).Expect(HttpStatusCode.OK);

        var raw = await app.Client("lead").GetAsync($"/api/v1/reports/{id}/raw", Ct);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("attachment", raw.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", raw.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task The_queue_filters_and_pages_newest_first()
    {
        var first = await DeliverAsync("q <q@elsewhere.example>", "Queue 1", "one");
        app.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await DeliverAsync("q <q@elsewhere.example>", "Queue 2", "two");
        var page = await app.Client("auditor").GetAsync("/api/v1/reports/queue?limit=1", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(second.ToString(), page["items"]![0]!["report"]!.Str("id"));
        var cursor = page.Str("nextCursor");
        var next = await app.Client("auditor").GetAsync($"/api/v1/reports/queue?limit=500&cursor={cursor}", Ct).Expect(HttpStatusCode.OK);
        var ids = next["items"]!.AsArray().Select(i => i!["report"]!.Str("id")).ToList();
        Assert.DoesNotContain(second.ToString(), ids);
        Assert.Contains(first.ToString(), ids);

        var requests = await app.Client("auditor").GetAsync("/api/v1/reports/queue?kind=request", Ct).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(requests["items"]!.AsArray(), i => i!["report"]!.Str("id") == first.ToString());
        await app.Client("auditor").GetAsync("/api/v1/reports/queue?cursor=nonsense", Ct).ExpectProblem(HttpStatusCode.BadRequest);
    }

    private static async Task<System.Security.Claims.ClaimsPrincipal> PrincipalAsync(AsyncServiceScope scope, string email)
    {
        var user = await scope.ServiceProvider.GetRequiredService<VigieDb>().Users.AsNoTracking().SingleAsync(u => u.Email == email, Ct);
        return VigiePrincipal.Create(user, VigiePrincipal.ScopeOfRole(user.Role), "test");
    }
}

public sealed class TriageSqliteTests(TriageSqliteApp app) : TriageTests(app), IClassFixture<TriageSqliteApp>;

public sealed class TriagePostgresTests(TriagePostgresApp app) : TriageTests(app), IClassFixture<TriagePostgresApp>;
