using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Vigie.Tests.Evidence;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Reviews;

public abstract class ReviewAndReportTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Reporter = "Jane Reporter <jane.reporter@example.org>";

    private async Task<JsonNode> CreateIncidentAsync(string title, string severity = "high", string impact = "medium", string tlp = "TLP:AMBER",
        string? description = null, string[]? reportIds = null, string user = "analyst") =>
        await app.Client(user).PostJson("/api/v1/incidents", new { title, severity, impact, tlp, description, reportIds })
            .Expect(HttpStatusCode.Created);

    private async Task MoveAsync(string number, params string[] states)
    {
        foreach (var to in states)
        {
            await app.Client().PostJson($"/api/v1/incidents/{number}/transitions", new { to, reason = "step " + to }).Expect(HttpStatusCode.OK);
        }
    }

    private static object Review(bool? complete, string rootCause = "Unpatched VPN appliance (CVE-2024-3400).", string? lessons = "Patch edge devices within 48 hours.") => new
    {
        timelineSummary = "Detected Monday, contained Tuesday.",
        rootCause,
        whatWorked = "EDR isolation was fast.",
        whatDidNotWork = "The on-call number was outdated.",
        preventiveMeasures = "Monthly check of edge firmware.",
        lessons,
        recommendations = new object[]
        {
            new { text = "Patch all edge appliances", owner = "lead@csirt.test", dueOn = "2026-04-30", status = "inProgress" },
            new { text = "Update the on-call directory", owner = "IT Lilas", dueOn = (string?)null, status = "open" },
        },
        complete,
    };

    [Fact]
    public async Task Closing_a_P2_incident_needs_a_completed_review_and_every_save_is_on_the_timeline()
    {
        var incident = await CreateIncidentAsync("Ransomware on file server");
        var number = incident.Str("number");
        Assert.Equal("P2", incident.Str("priority"));
        await MoveAsync(number, "triage", "open", "contained", "resolved");
        var client = app.Client();

        var refused = await client.PostJson($"/api/v1/incidents/{number}/transitions", new { to = "closed", reason = "done" })
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("review-required", refused.Str("code"));
        Assert.Contains("review", refused.Str("detail"));
        Assert.Equal("P2", refused.Str("priority"));

        // A saved but incomplete review is not enough.
        var draft = await client.PutJson($"/api/v1/incidents/{number}/review", Review(complete: null)).Expect(HttpStatusCode.OK);
        Assert.False(draft["complete"]!.GetValue<bool>());
        await client.PostJson($"/api/v1/incidents/{number}/transitions", new { to = "closed", reason = "done" }).ExpectProblem(HttpStatusCode.Conflict);

        // Completion needs the root cause and the lessons.
        var incomplete = await client.PutJson($"/api/v1/incidents/{number}/review", Review(complete: true, lessons: null))
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("lessons", incomplete["errors"]!.AsObject().Select(e => e.Key));

        var done = await app.Client("lead").PutJson($"/api/v1/incidents/{number}/review", Review(complete: true)).Expect(HttpStatusCode.OK);
        Assert.True(done["complete"]!.GetValue<bool>());
        Assert.Equal("lead@csirt.test", done.Str("completedBy"));
        Assert.Equal(["Patch all edge appliances", "Update the on-call directory"], done["recommendations"]!.AsArray().Select(r => r.Str("text")));
        Assert.Equal("inProgress", done["recommendations"]![0].Str("status"));
        Assert.Equal("2026-04-30", done["recommendations"]![0].Str("dueOn"));

        var closed = await client.PostJson($"/api/v1/incidents/{number}/transitions", new { to = "closed", reason = "review done" }).Expect(HttpStatusCode.OK);
        Assert.Equal("closed", closed.Str("state"));

        var timeline = (await client.GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        var saves = timeline.Where(e => e.Str("kind") == "reviewUpdated").ToList();
        Assert.Equal(["saved", "completed"], saves.Select(e => e!["data"].Str("action")));
        Assert.Equal(["analyst@csirt.test", "lead@csirt.test"], saves.Select(e => e.Str("actor")));
        Assert.Equal("2", saves[1]!["data"].Str("recommendations"));
    }

    [Fact]
    public async Task A_P1_incident_is_refused_too_and_a_reopened_review_no_longer_counts()
    {
        var number = (await CreateIncidentAsync("Domain admin compromise", severity: "critical", impact: "critical")).Str("number");
        await MoveAsync(number, "triage", "open", "contained", "resolved");
        var client = app.Client();
        await client.PutJson($"/api/v1/incidents/{number}/review", Review(complete: true)).Expect(HttpStatusCode.OK);
        var reopened = await client.PutJson($"/api/v1/incidents/{number}/review", Review(complete: false)).Expect(HttpStatusCode.OK);
        Assert.False(reopened["complete"]!.GetValue<bool>());
        var problem = await client.PostJson($"/api/v1/incidents/{number}/transitions", new { to = "closed" }).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("review-required", problem.Str("code"));
        Assert.Equal("P1", problem.Str("priority"));
    }

    [Fact]
    public async Task A_P3_incident_closes_without_a_review_and_illegal_moves_keep_their_own_error()
    {
        var p3 = (await CreateIncidentAsync("Port scan", severity: "medium", impact: "medium")).Str("number");
        await MoveAsync(p3, "triage", "open", "resolved", "closed");

        // From 'new', closing is illegal whatever the review: the state machine's answer stands.
        var p2 = (await CreateIncidentAsync("Fresh P2")).Str("number");
        var problem = await app.Client().PostJson($"/api/v1/incidents/{p2}/transitions", new { to = "closed" }).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("illegal-transition", problem.Str("code"));
    }

    [Fact]
    public async Task Review_input_is_validated_and_readers_may_not_write_it()
    {
        var number = (await CreateIncidentAsync("Validation")).Str("number");
        await app.Client().GetAsync($"/api/v1/incidents/{number}/review", Ct).ExpectProblem(HttpStatusCode.NotFound);
        var bad = await app.Client().PutJson($"/api/v1/incidents/{number}/review", new
        {
            recommendations = new object[] { new { text = "x", dueOn = "30/04/2026", status = "someday" }, new { owner = "bob" } },
        }).ExpectProblem(HttpStatusCode.BadRequest);
        var fields = bad["errors"]!.AsObject().Select(e => e.Key).ToList();
        Assert.Contains("recommendations[0].dueOn", fields);
        Assert.Contains("recommendations[0].status", fields);
        Assert.Contains("recommendations[1].text", fields);
        var forbidden = await app.Client("auditor").PutJson($"/api/v1/incidents/{number}/review", new { rootCause = "x" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private async Task<(string Number, string ReportId)> ReportedIncidentAsync(string title, string tlp = "TLP:AMBER")
    {
        var tag = Guid.NewGuid().ToString("N");
        var mail = Encoding.UTF8.GetBytes($"From: {Reporter}\r\nTo: cert@csirt.test\r\nSubject: Phishing {tag}\r\n" +
            $"Message-ID: <{tag}@example.org>\r\nDate: Mon, 09 Mar 2026 09:12:00 +0100\r\n\r\nPhishing page at hxxp://lilas-login[.]example\r\n");
        var content = new ByteArrayContent(mail);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("message/rfc822");
        var report = await app.Client().PostAsync("/api/v1/reports", content, Ct).Expect(HttpStatusCode.Created);
        var incident = await CreateIncidentAsync(title, tlp: tlp, reportIds: [report.Str("id")],
            description: "Reported by Jane Reporter (jane.reporter@example.org): a phishing page imitates the Lilas portal.");
        var number = incident.Str("number");
        await app.Client().PutJson($"/api/v1/incidents/{number}/review", new
        {
            rootCause = "Credential phishing; thanks to jane.reporter@example.org for the early report.",
            lessons = "Takedown requests work faster with the hosting abuse desk.",
            recommendations = new object[] { new { text = "Train Lilas staff on phishing", owner = "soc@lilas.example", status = "open" } },
            complete = true,
        }).Expect(HttpStatusCode.OK);
        await app.Client().PostJson($"/api/v1/incidents/{number}/observables", new { value = "hxxp://lilas-login[.]example/login" })
            .Expect(HttpStatusCode.Created);
        var evidence = await app.Client().PostAsync($"/api/v1/incidents/{number}/evidence",
            EvidenceApiTests.Form(Encoding.UTF8.GetBytes("<html>fake login</html>"), "phishing-page.html", "text/html"), Ct).Expect(HttpStatusCode.Created);
        return (number, evidence.Str("sha256"));
    }

    private static string Text(string html) => WebUtility.HtmlDecode(html);

    private static string ElementText(string html, string id) =>
        Text(Regex.Match(html, $"<div[^>]*id=\"{id}\"[^>]*>(.*?)</div>", RegexOptions.Singleline).Groups[1].Value);

    [Fact]
    public async Task The_closure_report_is_TLP_marked_top_and_bottom_in_the_language_asked_and_records_the_export()
    {
        var (number, sha) = await ReportedIncidentAsync("Phishing against Lilas portal");
        var response = await app.Client("auditor").GetAsync($"/incidents/{number}/report?lang=en", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var text = Text(html);

        Assert.Contains("TLP:AMBER", ElementText(html, "tlp-top"), StringComparison.Ordinal);
        Assert.Contains("TLP:AMBER", ElementText(html, "tlp-bottom"), StringComparison.Ordinal);
        Assert.True(html.IndexOf("id=\"tlp-top\"", StringComparison.Ordinal) < html.IndexOf("id=\"report-title\"", StringComparison.Ordinal));
        Assert.True(html.IndexOf("id=\"tlp-bottom\"", StringComparison.Ordinal) > html.IndexOf("id=\"evidence\"", StringComparison.Ordinal));
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains($"Incident closure report {number} — Phishing against Lilas portal", text, StringComparison.Ordinal);
        Assert.Contains("Root cause", text, StringComparison.Ordinal);
        Assert.Contains("Takedown requests work faster with the hosting abuse desk.", text, StringComparison.Ordinal);
        Assert.Contains("Train Lilas staff on phishing", text, StringComparison.Ordinal);
        Assert.Contains(sha, text, StringComparison.Ordinal);
        Assert.Contains("lilas-login.example", text, StringComparison.Ordinal);
        // Not redacted: the reporter is named.
        Assert.Contains("jane.reporter@example.org", text, StringComparison.Ordinal);
        // Nothing remote, no script.
        Assert.DoesNotMatch("(?i)<script|<link rel=\"stylesheet|<img|(src|href)=\"(https?:)?//", html);

        var fr = Text(await app.Client().GetStringAsync($"/incidents/{number}/report?lang=fr", Ct));
        Assert.Contains("Rapport de clôture d'incident", fr, StringComparison.Ordinal);
        Assert.Contains("Cause racine", fr, StringComparison.Ordinal);
        Assert.Contains("Takedown requests work faster with the hosting abuse desk.", fr, StringComparison.Ordinal);
        Assert.DoesNotContain("Root cause", fr, StringComparison.Ordinal);

        var timeline = (await app.Client().GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        var exports = timeline.Where(e => e.Str("kind") == "exported").ToList();
        Assert.Equal(["html/en/false/auditor@csirt.test", "html/fr/false/analyst@csirt.test"],
            exports.Select(e => $"{e!["data"].Str("format")}/{e["data"].Str("language")}/{e["data"].Str("redacted")}/{e.Str("actor")}"));
        // The evidence listed in the report has the export in its chain of custody.
        var evidence = (await app.Client().GetAsync($"/api/v1/incidents/{number}/evidence", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["added", "exported", "exported"], evidence[0]!["custody"]!.AsArray().Select(c => c.Str("action")));
    }

    [Fact]
    public async Task The_redacted_report_names_no_reporter()
    {
        var (number, _) = await ReportedIncidentAsync("Phishing, redacted export");
        var text = Text(await app.Client().GetStringAsync($"/incidents/{number}/report?lang=fr&redact=true", Ct));
        Assert.DoesNotContain("jane.reporter", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Jane Reporter", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[redacted]", text, StringComparison.Ordinal);
        Assert.Contains("Version anonymisée", text, StringComparison.Ordinal);
        // What is not the reporter's stays.
        Assert.Contains("Takedown requests work faster", text, StringComparison.Ordinal);
        var timeline = (await app.Client().GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.Equal("true", timeline.Last(e => e.Str("kind") == "exported")!["data"].Str("redacted"));
    }

    [Fact]
    public async Task The_PDF_is_printed_by_Chromium_with_the_TLP_label_and_the_title()
    {
        var (number, _) = await ReportedIncidentAsync("Phishing PDF export", tlp: "TLP:AMBER+STRICT");
        var response = await app.Client().GetAsync($"/incidents/{number}/report.pdf?lang=en&redact=true", Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(bytes));
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"{number}-closure-report-en-redacted.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);

        var text = await PdfText.ReadAsync(bytes, Ct);
        Assert.Contains("Phishing PDF export", text, StringComparison.Ordinal);
        Assert.Contains("Incident closure report", text, StringComparison.Ordinal);
        Assert.Contains("Takedown requests work faster", text, StringComparison.Ordinal);
        Assert.DoesNotContain("jane.reporter", text, StringComparison.Ordinal);
        // Top and bottom of each page (and once in the qualification table and the footer line).
        var pages = text.Split('\f', StringSplitOptions.RemoveEmptyEntries).Where(p => p.Trim().Length > 0).ToList();
        Assert.All(pages, p => Assert.True(Regex.Matches(p, Regex.Escape("TLP:AMBER+STRICT")).Count >= 2, p));

        var timeline = (await app.Client().GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        var export = timeline.Last(e => e.Str("kind") == "exported");
        Assert.Equal("pdf", export!["data"].Str("format"));
        Assert.Equal("en", export["data"].Str("language"));
    }

    [Fact]
    public async Task Without_Chromium_the_PDF_link_answers_a_clear_error_page_and_records_nothing()
    {
        var number = (await CreateIncidentAsync("No Chromium here")).Str("number");
        await using var host = app.Factory.WithWebHostBuilder(b => b.UseSetting("Vigie:Pdf:Chromium", "/nonexistent/chromium"));
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", app.Token("analyst"));
        var response = await client.GetAsync($"/incidents/{number}/report.pdf?lang=fr", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = Text(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains("Chromium est introuvable à l'emplacement /nonexistent/chromium", text, StringComparison.Ordinal);
        Assert.Contains($"/incidents/{number}/report?lang=fr", text, StringComparison.Ordinal);
        var timeline = (await app.Client().GetAsync($"/api/v1/incidents/{number}/timeline", Ct).Expect(HttpStatusCode.OK)).AsArray();
        Assert.DoesNotContain(timeline, e => e.Str("kind") == "exported");
    }

    [Fact]
    public async Task A_report_of_an_incident_one_may_not_see_is_not_found_and_an_unknown_language_is_refused()
    {
        var red = (await CreateIncidentAsync("Secret", tlp: "TLP:RED", user: "lead")).Str("number");
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("analyst").GetAsync($"/incidents/{red}/report?lang=en", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Client("analyst").GetAsync($"/incidents/{red}/report.pdf?lang=en", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Client("lead").GetAsync($"/incidents/{red}/report?lang=en", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Client("lead").GetAsync($"/incidents/{red}/report?lang=de", Ct)).StatusCode);
        var anonymous = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        var signIn = await anonymous.GetAsync($"/incidents/{red}/report?lang=en", Ct);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("/signin", signIn.Headers.Location?.PathAndQuery ?? signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}

public sealed class ReviewAndReportSqliteTests(SqliteApp app) : ReviewAndReportTests(app), IClassFixture<SqliteApp>;

public sealed class ReviewAndReportPostgresTests(PostgresApp app) : ReviewAndReportTests(app), IClassFixture<PostgresApp>;
