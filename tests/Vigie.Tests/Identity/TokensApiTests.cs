using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Identity;

/// <summary>
/// A person's own API tokens: created with a scope no wider than theirs (nor than the credential used),
/// always expiring, their last use shown, revoked at once, and nobody else's reachable.
/// </summary>
public abstract class TokensApiTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient With(string token)
    {
        var client = app.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task A_token_is_shown_once_used_with_its_last_use_recorded_and_revoked_at_once()
    {
        var lead = app.Client("lead");
        var created = await lead.PostJson("/api/v1/tokens", new { name = "SIEM export", scope = "read", expiresInDays = 30 }).Expect(HttpStatusCode.Created);
        var token = created["token"]!.GetValue<string>();
        var id = created["info"]!["id"]!.GetValue<string>();
        Assert.StartsWith(created["info"]!["prefix"]!.GetValue<string>(), token, StringComparison.Ordinal);
        Assert.Equal("read", created["info"]!["scope"]!.GetValue<string>());
        Assert.Equal(app.Time.GetUtcNow().AddDays(30), created["info"]!["expiresAt"]!.GetValue<DateTimeOffset>());

        // The list never shows the token again; the new one has not been used yet.
        var listed = (await lead.GetAsync("/api/v1/tokens", Ct).Expect(HttpStatusCode.OK)).AsArray().Single(t => t!["id"]!.GetValue<string>() == id)!;
        Assert.DoesNotContain(token, listed.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(listed["lastUsedAt"]);

        // Used: read works, write does not (read scope), and the use is recorded.
        Assert.Equal(HttpStatusCode.OK, (await With(token).GetAsync("/api/v1/incidents", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await With(token).PostJson("/api/v1/incidents", new { title = "x" })).StatusCode);
        listed = (await lead.GetAsync("/api/v1/tokens", Ct).Expect(HttpStatusCode.OK)).AsArray().Single(t => t!["id"]!.GetValue<string>() == id)!;
        Assert.Equal(app.Time.GetUtcNow(), listed["lastUsedAt"]!.GetValue<DateTimeOffset>());

        // Someone else cannot revoke it; its owner can, and it stops working at once.
        await app.Client("analyst").DeleteAsync($"/api/v1/tokens/{id}", Ct).ExpectProblem(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, (await With(token).GetAsync("/api/v1/incidents", Ct)).StatusCode);
        var revoked = await lead.DeleteAsync($"/api/v1/tokens/{id}", Ct).Expect(HttpStatusCode.OK);
        Assert.False(revoked["active"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await With(token).GetAsync("/api/v1/incidents", Ct)).StatusCode);
        Assert.DoesNotContain((await app.Client("analyst").GetAsync("/api/v1/tokens", Ct).Expect(HttpStatusCode.OK)).AsArray(),
            t => t!["id"]!.GetValue<string>() == id);

        // Both are in the audit log, by the lead, named by id and prefix, never by the secret.
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var audited = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == AuditActions.Admin && e.ObjectKind == "api-token" && e.ObjectId == id)
            .OrderBy(e => e.Sequence).ToListAsync(Ct);
        Assert.Equal(["token-create", "token-revoke"], audited.Select(e => e.Detail!.Contains("token-create", StringComparison.Ordinal) ? "token-create" : "token-revoke"));
        Assert.All(audited, e => Assert.Equal(("lead@csirt.test", AuditActions.Admin), (e.Actor, e.Action)));
        Assert.All(audited, e => Assert.DoesNotContain(token, e.Detail!, StringComparison.Ordinal));
        Assert.Contains(created["info"]!["prefix"]!.GetValue<string>(), audited[0].Detail!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_never_gets_more_than_its_maker_and_always_expires()
    {
        // A lead may not make an admin token; an auditor only read tokens.
        var problem = await app.Client("lead").PostJson("/api/v1/tokens", new { name = "too much", scope = "admin" }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("up to the write scope", problem["errors"]!["scope"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        problem = await app.Client("auditor").PostJson("/api/v1/tokens", new { name = "audit", scope = "write" }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("up to the read scope", problem["errors"]!["scope"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        // A read-only token of an analyst mints read-only tokens only.
        problem = await app.Client("analyst-readonly").PostJson("/api/v1/tokens", new { name = "escalate", scope = "write" }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("up to the read scope", problem["errors"]!["scope"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        // Bad values are named.
        problem = await app.Client("admin").PostJson("/api/v1/tokens", new { name = "forever", scope = "admin", expiresInDays = 0 }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("between 1 and 365 days", problem["errors"]!["expiresInDays"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        problem = await app.Client("admin").PostJson("/api/v1/tokens", new { name = "a\nb", scope = "root", expiresInDays = 400 }).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Equal(["expiresInDays", "name", "scope"], problem["errors"]!.AsObject().Select(e => e.Key).Order());
        // The default lifetime is 90 days.
        var created = await app.Client("admin").PostJson("/api/v1/tokens", new { name = "default", scope = "admin" }).Expect(HttpStatusCode.Created);
        Assert.Equal(app.Time.GetUtcNow().AddDays(90), created["info"]!["expiresAt"]!.GetValue<DateTimeOffset>());
        // A constituent contact has no API access at all.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client(null).GetAsync("/api/v1/tokens", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_operator_lists_and_revokes_anyone_s_tokens_and_cannot_exceed_a_role()
    {
        var (code, _, error) = await Cli.CliTests.Run(app.Settings(), null, "token", "create", "--user", "analyst@csirt.test", "--scope", "admin");
        Assert.Equal(2, code);
        Assert.Contains("--scope: a analyst may have tokens up to the write scope", error, StringComparison.Ordinal);

        var created = await app.Client("auditor").PostJson("/api/v1/tokens", new { name = "Audit script", scope = "read" }).Expect(HttpStatusCode.Created);
        var token = created["token"]!.GetValue<string>();
        var id = created["info"]!["id"]!.GetValue<string>();
        (code, var output, error) = await Cli.CliTests.Run(app.Settings(), null, "token", "list", "--user", "auditor@csirt.test");
        Assert.True(code == 0, error);
        Assert.Contains(id, output, StringComparison.Ordinal);
        Assert.Contains("Audit script", output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, output, StringComparison.Ordinal);

        (code, output, error) = await Cli.CliTests.Run(app.Settings(), null, "token", "revoke", id);
        Assert.True(code == 0, error);
        Assert.Contains("revoked", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await With(token).GetAsync("/api/v1/incidents", Ct)).StatusCode);
        (code, _, error) = await Cli.CliTests.Run(app.Settings(), null, "token", "revoke", Guid.NewGuid().ToString());
        Assert.Equal(2, code);
        Assert.Contains("No token has the id", error, StringComparison.Ordinal);
    }
}

public sealed class TokensApiSqliteTests(SqliteApp app) : TokensApiTests(app), IClassFixture<SqliteApp>;

public sealed class TokensApiPostgresTests(PostgresApp app) : TokensApiTests(app), IClassFixture<PostgresApp>;
