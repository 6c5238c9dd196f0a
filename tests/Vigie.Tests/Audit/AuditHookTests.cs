using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Audit;

/// <summary>
/// What the log records from the real host: sign-in and failed sign-in from the /signin form with
/// the client's address, reads of an incident on the page and the API, incident changes, refused
/// tokens; who may read the log (auditors and admins, not analysts) and its CSV export.
/// </summary>
public abstract partial class AuditHookTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<AuditEntry>> EntriesAsync(string action)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        return await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    private async Task<string> NewIncidentAsync(string title)
    {
        var created = await app.Client("analyst").PostJson("/api/v1/incidents", new { title }).Expect(HttpStatusCode.Created);
        return created.Str("number");
    }

    [Fact]
    public async Task Sign_in_failed_sign_in_and_an_incident_read_on_the_page_are_recorded_with_actor_ip_and_object()
    {
        app.SkipIfUnavailable();
        var number = await NewIncidentAsync("Beaconing from the clinic");
        var browser = new FormBrowser(app, IPAddress.Parse("198.51.100.23"));

        var failed = await browser.PostFormAsync("/signin", "signin", new Dictionary<string, string> { ["Input.Email"] = "analyst@csirt.test", ["Input.Password"] = "not-the-password" });
        Assert.Equal(HttpStatusCode.OK, failed.Status);
        var failure = (await EntriesAsync(AuditActions.SignInFailed)).Last();
        Assert.Equal("analyst@csirt.test", failure.Actor);
        Assert.NotNull(failure.ActorId);
        Assert.Equal("198.51.100.23", failure.ClientIp);
        Assert.Equal(AuditOutcomes.Failure, failure.Outcome);
        Assert.Contains("bad-password", failure.Detail);
        Assert.DoesNotContain("not-the-password", failure.Detail);

        var unknown = await browser.PostFormAsync("/signin", "signin", new Dictionary<string, string> { ["Input.Email"] = "nobody@csirt.test", ["Input.Password"] = "whatever-password" });
        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        var anonymous = (await EntriesAsync(AuditActions.SignInFailed)).Last();
        Assert.Equal("anonymous", anonymous.Actor);
        Assert.Contains("nobody@csirt.test", anonymous.Detail);

        var password = await browser.PostFormAsync("/signin", "signin", new Dictionary<string, string> { ["Input.Email"] = "analyst@csirt.test", ["Input.Password"] = VigieApp.TestPassword });
        Assert.Equal(HttpStatusCode.Redirect, password.Status);
        var wrongCode = await browser.PostFormAsync("/signin/code", "signin-code", new Dictionary<string, string> { ["Input.Code"] = "000000" });
        Assert.Equal(HttpStatusCode.OK, wrongCode.Status);
        var badCode = (await EntriesAsync(AuditActions.SignInFailed)).Last();
        Assert.Equal(("analyst@csirt.test", "198.51.100.23"), (badCode.Actor, badCode.ClientIp));
        Assert.Contains("bad-code", badCode.Detail);
        var signedIn = await browser.PostFormAsync("/signin/code", "signin-code", new Dictionary<string, string> { ["Input.Code"] = await app.TotpCodeAsync("analyst@csirt.test") });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        var signIn = (await EntriesAsync(AuditActions.SignIn)).Last();
        Assert.Equal("analyst@csirt.test", signIn.Actor);
        Assert.Equal("198.51.100.23", signIn.ClientIp);

        var page = await browser.GetAsync($"/incidents/{number}?tab=timeline");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var read = (await EntriesAsync(AuditActions.Read)).Last();
        Assert.Equal(("analyst@csirt.test", "198.51.100.23", "incident", number, AuditOutcomes.Success),
            (read.Actor, read.ClientIp, read.ObjectKind, read.ObjectId, read.Outcome));
        Assert.Contains("timeline", read.Detail);

        await browser.GetAsync("/incidents/2099-0001");
        var missing = (await EntriesAsync(AuditActions.Read)).Last();
        Assert.Equal(("2099-0001", AuditOutcomes.NotFound), (missing.ObjectId, missing.Outcome));

        // The analyst is sent away from the audit log.
        var audit = await browser.GetAsync("/audit");
        Assert.Equal(HttpStatusCode.Redirect, audit.Status);
        Assert.StartsWith("/forbidden", audit.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_reads_and_incident_changes_are_recorded()
    {
        app.SkipIfUnavailable();
        var number = await NewIncidentAsync("Phishing wave");
        var created = (await EntriesAsync(AuditActions.Create)).Last();
        Assert.Equal(("analyst@csirt.test", "incident", number), (created.Actor, created.ObjectKind, created.ObjectId));
        Assert.NotNull(created.ActorId);

        await app.Client("lead").GetAsync($"/api/v1/incidents/{number}", Ct);
        var read = (await EntriesAsync(AuditActions.Read)).Last();
        Assert.Equal(("lead@csirt.test", "incident", number, AuditOutcomes.Success), (read.Actor, read.ObjectKind, read.ObjectId, read.Outcome));

        await app.Client("analyst").PostJson($"/api/v1/incidents/{number}/transitions", new { to = "triage", reason = "first look" })
            .Expect(HttpStatusCode.OK);
        var change = (await EntriesAsync(AuditActions.Change)).Last();
        Assert.Equal(("analyst@csirt.test", number), (change.Actor, change.ObjectId));
        Assert.Contains("StateChanged", change.Detail);
        Assert.Contains("first look", change.Detail);
    }

    [Fact]
    public async Task A_refused_token_is_recorded_without_the_token()
    {
        app.SkipIfUnavailable();
        var client = app.Client(null);
        var forged = "vgt_" + new string('A', 43);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", forged);
        var response = await client.GetAsync("/api/v1/incidents", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var refused = (await EntriesAsync(AuditActions.TokenRefused)).Last();
        Assert.Equal(("anonymous", AuditOutcomes.Denied), (refused.Actor, refused.Outcome));
        Assert.Contains("unknown", refused.Detail);
        Assert.DoesNotContain("AAAA", refused.Detail);
    }

    [Fact]
    public async Task Only_auditors_and_admins_read_the_log_and_bad_filters_are_problems()
    {
        app.SkipIfUnavailable();
        await NewIncidentAsync("Something to read");
        foreach (var user in new[] { "analyst", "lead", "analyst-readonly" })
        {
            var denied = await app.Client(user).GetAsync("/api/v1/audit", Ct);
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }
        foreach (var user in new[] { "auditor", "admin" })
        {
            var page = await app.Client(user).GetAsync("/api/v1/audit?action=create&limit=1", Ct).Expect(HttpStatusCode.OK);
            var item = page["items"]!.AsArray().Single()!;
            Assert.Equal("create", item.Str("action"));
            Assert.Equal(64, item.Str("hash").Length);
        }
        var problem = await app.Client("auditor").GetAsync("/api/v1/audit?from=yesterday&action=dance", Ct).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["from"]);
        Assert.NotNull(problem["errors"]!["action"]);
    }

    [Fact]
    public async Task The_csv_export_holds_the_filtered_entries_and_is_itself_recorded()
    {
        app.SkipIfUnavailable();
        var number = await NewIncidentAsync("Exported case");
        var day = app.Time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var response = await app.Client("auditor").GetAsync($"/audit/export.csv?action=create&objectId={number}&from={day}&to={day}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(Ct)).TrimStart('\uFEFF');
        using var csv = new CsvReader(new StringReader(text), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        var row = Assert.Single(rows);
        Assert.Equal(("create", "incident", number, "analyst@csirt.test"), ((string)row["action"], (string)row["objectKind"], (string)row["objectId"], (string)row["actor"]));
        Assert.Matches("^[0-9a-f]{64}$", (string)row["hash"]);

        var export = (await EntriesAsync(AuditActions.Export)).Last();
        Assert.Equal(("auditor@csirt.test", "audit-log"), (export.Actor, export.ObjectKind));
        Assert.Contains(number, export.Detail);

        var analyst = await app.Client("analyst").GetAsync("/audit/export.csv", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, analyst.StatusCode);
    }
}

public sealed class AuditHookSqliteTests(SqliteApp app) : AuditHookTests(app), IClassFixture<SqliteApp>;

public sealed class AuditHookPostgresTests(PostgresApp app) : AuditHookTests(app), IClassFixture<PostgresApp>;
