using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Identity;

/// <summary>
/// What accounts keep in the database (SQLite and PostgreSQL) and what the CLI does with it: secrets
/// encrypted, recovery codes hashed and single-use, keys in the data directory, sessions revoked,
/// password rules, and <c>vigie serve</c> refusing a default admin password.
/// </summary>
public abstract class AccountStoreTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_totp_secret_is_encrypted_in_the_database_and_keys_live_in_the_data_directory()
    {
        app.SkipIfUnavailable();
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var stored = await db.Users.Where(u => u.Email == "analyst@csirt.test").Select(u => u.TotpSecret).SingleAsync(Ct);
        Assert.NotNull(stored);
        Assert.DoesNotContain(VigieApp.TestTotpSecret, stored, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(VigieApp.TestTotpSecret, scope.ServiceProvider.GetRequiredService<TwoFactor>().Unprotect(stored));
        // The whole row as the database holds it: nowhere the secret in clear.
        var raw = await db.Database.SqlQueryRaw<string>("SELECT \"TotpSecret\" AS \"Value\" FROM users WHERE \"Email\" = {0}", "analyst@csirt.test")
            .SingleAsync(Ct);
        Assert.Equal(stored, raw);

        var keys = Path.Combine(app.DataDirectory, "keys");
        Assert.True(Directory.Exists(keys), keys);
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
    }

    [Fact]
    public async Task Recovery_codes_are_stored_hashed_and_work_once()
    {
        app.SkipIfUnavailable();
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var twoFactor = scope.ServiceProvider.GetRequiredService<TwoFactor>();
        var user = await db.Users.SingleAsync(u => u.Email == "lead@csirt.test", Ct);
        var codes = await TwoFactor.NewRecoveryCodesAsync(db, user.Id, Ct);
        await db.SaveChangesAsync(Ct);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z2-9]{5}-[a-z2-9]{5}$", c));
        var hashes = await db.Set<RecoveryCode>().Where(c => c.UserId == user.Id).Select(c => c.Hash).ToListAsync(Ct);
        Assert.Equal(10, hashes.Count);
        Assert.DoesNotContain(hashes, h => codes.Any(c => h.Contains(c.Replace("-", ""), StringComparison.Ordinal)));

        Assert.True(await twoFactor.UseRecoveryCodeAsync(db, user.Id, codes[3].ToUpperInvariant(), Ct));
        await db.SaveChangesAsync(Ct);
        Assert.False(await twoFactor.UseRecoveryCodeAsync(db, user.Id, codes[3], Ct));
        Assert.False(await twoFactor.UseRecoveryCodeAsync(db, user.Id, "zzzzz-zzzzz", Ct));
        Assert.True(await twoFactor.UseRecoveryCodeAsync(db, user.Id, codes[4], Ct));
    }

    [Fact]
    public async Task Revoke_sessions_from_the_cli_ends_every_session_of_the_user()
    {
        app.SkipIfUnavailable();
        Guid userId;
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            userId = await db.Users.Where(u => u.Email == "auditor@csirt.test").Select(u => u.Id).SingleAsync(Ct);
            var now = app.Time.GetUtcNow();
            db.Set<UserSession>().AddRange(
                new UserSession { Id = Guid.NewGuid(), UserId = userId, CreatedAt = now, LastSeenAt = now, Ip = "192.0.2.1" },
                new UserSession { Id = Guid.NewGuid(), UserId = userId, CreatedAt = now, LastSeenAt = now, Ip = "192.0.2.2" });
            await db.SaveChangesAsync(Ct);
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            Assert.All(await db.Set<UserSession>().Where(s => s.UserId == userId).ToListAsync(Ct),
                s => Assert.True(accounts.IsSessionActiveAsync(userId, s.Id, Ct).Result));
        }

        var (code, output, error) = await CliTests.Run(app.Settings(), null, "user", "revoke-sessions", "auditor@csirt.test");
        Assert.True(code == 0, error);
        Assert.Contains("2 session(s) of auditor@csirt.test revoked", output, StringComparison.Ordinal);

        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            foreach (var s in await db.Set<UserSession>().Where(s => s.UserId == userId).ToListAsync(Ct))
            {
                Assert.NotNull(s.RevokedAt);
                Assert.False(await accounts.IsSessionActiveAsync(userId, s.Id, Ct));
            }
            // The admin action is in the audit log, with the operating-system account that ran it.
            var audited = await db.Set<Vigie.Features.Audit.AuditEntry>().AsNoTracking()
                .Where(e => e.Action == "admin" && e.ObjectId == "auditor@csirt.test").OrderBy(e => e.Sequence).LastAsync(Ct);
            Assert.StartsWith("cli:", audited.Actor, StringComparison.Ordinal);
            Assert.Contains("\"operation\":\"revoke-sessions\"", audited.Detail, StringComparison.Ordinal);
            Assert.Contains("\"sessions-revoked\":\"2\"", audited.Detail, StringComparison.Ordinal);
        }
        var unknown = await CliTests.Run(app.Settings(), null, "user", "revoke-sessions", "nobody@csirt.test");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("No user has the address", unknown.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passwords_follow_the_rules_in_the_cli()
    {
        app.SkipIfUnavailable();
        var email = $"rules-{Guid.NewGuid():N}@csirt.test";
        var asEmail = await CliTests.Run(app.Settings(), email, "user", "add", "--email", email, "--role", "analyst", "--password-stdin");
        Assert.Equal(2, asEmail.Code);
        Assert.Contains("must not be the e-mail address or the name", asEmail.Err, StringComparison.Ordinal);
        var common = await CliTests.Run(app.Settings(), "Password1234", "user", "add", "--email", email, "--role", "analyst", "--password-stdin");
        Assert.Equal(2, common.Code);
        Assert.Contains("most common", common.Err, StringComparison.Ordinal);
        var ok = await CliTests.Run(app.Settings(), "tulipe verte sous la pluie", "user", "add", "--email", email, "--role", "analyst", "--password-stdin");
        Assert.True(ok.Code == 0, ok.Err);

        var weak = await CliTests.Run(app.Settings(), "qwertyuiop123", "user", "set-password", email, "--password-stdin");
        Assert.Equal(2, weak.Code);
        Assert.Contains("most common", weak.Err, StringComparison.Ordinal);
        var changed = await CliTests.Run(app.Settings(), "another long sentence here", "user", "set-password", email, "--password-stdin");
        Assert.True(changed.Code == 0, changed.Err);
        Assert.Contains($"Password of {email} changed", changed.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("another long sentence here", changed.Out + changed.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_refuses_to_start_while_an_admin_has_a_default_password()
    {
        app.SkipIfUnavailable();
        var email = $"root-{Guid.NewGuid():N}@csirt.test";
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            app.AddUser(db, email, UserRole.Admin, TokenScope.Admin, null, password: email);
            await db.SaveChangesAsync(Ct);
        }
        Assert.Equal([email], await AdminPasswordGuard.FindDefaultAsync(app.Services, Ct));

        var settings = new Dictionary<string, string>(app.Settings()) { ["Urls"] = "http://127.0.0.1:0" };
        var (code, _, error) = await CliTests.Run(settings, null, "serve");
        Assert.Equal(2, code);
        Assert.Contains($"the admin account {email} has an empty or default password", error, StringComparison.Ordinal);
        Assert.Contains($"vigie user set-password {email} --password-stdin", error, StringComparison.Ordinal);

        var fixedIt = await CliTests.Run(app.Settings(), "a much better passphrase", "user", "set-password", email, "--password-stdin");
        Assert.True(fixedIt.Code == 0, fixedIt.Err);
        Assert.Empty(await AdminPasswordGuard.FindDefaultAsync(app.Services, Ct));
    }
}

public sealed class AccountStoreSqliteTests(SqliteApp app) : AccountStoreTests(app), IClassFixture<SqliteApp>;

public sealed class AccountStorePostgresTests(PostgresApp app) : AccountStoreTests(app), IClassFixture<PostgresApp>;
