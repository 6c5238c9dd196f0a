using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using Microsoft.AspNetCore.Http;
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
        var browser = new FormClient(app, IPAddress.Parse("198.51.100.23"));

        var failed = await browser.SignInAsync("analyst@csirt.test", "not-the-password");
        Assert.Equal(HttpStatusCode.OK, failed.Status);
        var failure = (await EntriesAsync(AuditActions.SignInFailed)).Last();
        Assert.Equal("analyst@csirt.test", failure.Actor);
        Assert.NotNull(failure.ActorId);
        Assert.Equal("198.51.100.23", failure.ClientIp);
        Assert.Equal(AuditOutcomes.Failure, failure.Outcome);
        Assert.Contains("bad-password", failure.Detail);
        Assert.DoesNotContain("not-the-password", failure.Detail);

        var unknown = await browser.SignInAsync("nobody@csirt.test", "whatever-password");
        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        var anonymous = (await EntriesAsync(AuditActions.SignInFailed)).Last();
        Assert.Equal("anonymous", anonymous.Actor);
        Assert.Contains("nobody@csirt.test", anonymous.Detail);

        var signedIn = await browser.SignInAsync("analyst@csirt.test", VigieApp.TestPassword);
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

    /// <summary>A browser stand-in: cookies kept, forms posted with their antiforgery token, from a chosen client address.</summary>
    private sealed partial class FormClient(VigieApp app, IPAddress ip)
    {
        private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal) { ["vigie.culture"] = Uri.EscapeDataString("c=en|uic=en") };

        public sealed record Response(HttpStatusCode Status, string Body, string? Location);

        public Task<Response> GetAsync(string path) => SendAsync("GET", path, null);

        public async Task<Response> SignInAsync(string email, string password)
        {
            var form = await GetAsync("/signin");
            var token = WebUtility.HtmlDecode(Antiforgery().Match(form.Body).Groups[1].Value);
            var fields = new Dictionary<string, string>
            {
                ["_handler"] = "signin", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = password,
            };
            return await SendAsync("POST", "/signin", Encoding.UTF8.GetBytes(string.Join('&', fields.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)))));
        }

        private async Task<Response> SendAsync(string method, string pathAndQuery, byte[]? body)
        {
            var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
            var context = await app.Factory.Server.SendAsync(c =>
            {
                c.Request.Method = method;
                c.Request.Scheme = "http";
                c.Request.Host = new HostString("localhost");
                c.Request.Path = query < 0 ? pathAndQuery : pathAndQuery[..query];
                c.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(pathAndQuery[query..]);
                c.Request.Headers.Cookie = string.Join("; ", _cookies.Select(kv => kv.Key + "=" + kv.Value));
                c.Connection.RemoteIpAddress = ip;
                if (body is not null)
                {
                    c.Request.ContentType = "application/x-www-form-urlencoded";
                    c.Request.ContentLength = body.Length;
                    c.Request.Body = new MemoryStream(body);
                }
            }, Ct);
            foreach (var cookie in context.Response.Headers.SetCookie)
            {
                var pair = cookie!.Split(';')[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                _cookies[pair[..eq]] = pair[(eq + 1)..];
            }
            var text = context.Response.Body is { CanRead: true } stream ? await new StreamReader(stream).ReadToEndAsync(Ct) : "";
            var location = context.Response.Headers.Location.ToString() is { Length: > 0 } l
                ? (Uri.TryCreate(l, UriKind.Absolute, out var u) ? u.PathAndQuery : l)
                : null;
            return new Response((HttpStatusCode)context.Response.StatusCode, text, location);
        }

        [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
        private static partial Regex Antiforgery();
    }
}

public sealed class AuditHookSqliteTests(SqliteApp app) : AuditHookTests(app), IClassFixture<SqliteApp>;

public sealed class AuditHookPostgresTests(PostgresApp app) : AuditHookTests(app), IClassFixture<PostgresApp>;
