using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Vigie.Cli;
using Vigie.Core;
using Vigie.Data;

namespace Vigie.Features.Identity;

/// <summary><c>vigie user add</c> and <c>vigie token create</c>.</summary>
public static class IdentityCommands
{
    public const int MinPasswordLength = PasswordRules.MinLength;

    public static Command UserCommand()
    {
        var email = new Option<string>("--email") { Description = "The user's e-mail address (their login).", Required = true };
        var role = new Option<UserRole>("--role")
        {
            Description = "admin, lead, analyst, auditor or constituent.",
            Required = true,
        };
        var name = new Option<string?>("--name") { Description = "Full name (RFC 2350 §2.8: members identify by full name). Default: the e-mail address." };
        var constituent = new Option<Guid?>("--constituent") { Description = "For role constituent: the organisation's id." };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input instead of generating one." };
        var add = new Command("add", "Create a user. Prints the generated password once, unless --password-stdin.")
        {
            email, role, name, constituent, stdin,
        };
        add.SetAction(async (parse, ct) =>
        {
            if (!EmailAddress.TryNormalize(parse.GetValue(email), out var address, out var error))
            {
                return Fail(error!);
            }
            var userRole = parse.GetValue(role);
            var constituentId = parse.GetValue(constituent);
            if ((userRole == UserRole.Constituent) != (constituentId is not null))
            {
                return Fail("--constituent is required for role constituent, and only for it.");
            }
            var generated = !parse.GetValue(stdin);
            var password = generated ? GeneratePassword() : (await Console.In.ReadLineAsync(ct))?.TrimEnd('\r', '\n') ?? "";
            var fullName = parse.GetValue(name)?.Trim() is { Length: > 0 } n ? n : address;
            if (PasswordRules.Check(password, address!, fullName, Text()) is { } rule)
            {
                return Fail(rule);
            }

            await using var app = VigieCli.BuildHost(parse);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            if (await db.Users.AnyAsync(u => u.Email == address, ct))
            {
                return Fail($"A user with the address {address} already exists.");
            }
            if (constituentId is { } cid && !await db.Constituents.AnyAsync(c => c.Id == cid, ct))
            {
                return Fail($"No constituent has the id {cid}.");
            }
            var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var user = new User
            {
                Id = Guid.CreateVersion7(now),
                Email = address,
                FullName = fullName,
                Role = userRole,
                ConstituentId = constituentId,
                CreatedAt = now,
            };
            user.PasswordHash = new PasswordHasher<User>().HashPassword(user, password);
            db.Users.Add(user);
            await db.SaveChangesAsync(ct);
            await app.Services.GetRequiredService<Audit.AuditLog>().RecordAsync(Audit.AuditActor.Cli(), new(Audit.AuditActions.Admin, "user",
                address, Detail: new Dictionary<string, string?> { ["operation"] = "user-add", ["role"] = userRole.ToString().ToLowerInvariant() }));
            Console.WriteLine($"Created {userRole.ToString().ToLowerInvariant()} {address} ({user.Id}).");
            if (generated)
            {
                Console.WriteLine($"Password (shown once): {password}");
            }
            return 0;
        });
        return new Command("user", "Manage users.") { add, SetPasswordCommand(), RevokeSessionsCommand(), ResetTwoFactorCommand() };
    }

    private static Command SetPasswordCommand()
    {
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the new password from standard input instead of generating one." };
        return OnOneUser("set-password", "Set a user's password (the rules of docs/identity.md), unlock the account and end its sessions.",
            [stdin], async (parse, scope, db, user, ct) =>
            {
                var generated = !parse.GetValue(stdin);
                var password = generated ? GeneratePassword() : (await Console.In.ReadLineAsync(ct))?.TrimEnd('\r', '\n') ?? "";
                if (PasswordRules.Check(password, user.Email, user.FullName, Text()) is { } rule)
                {
                    return Fail(rule);
                }
                user.PasswordHash = new PasswordHasher<User>().HashPassword(user, password);
                user.FailedSignIns = 0;
                user.LockedUntil = null;
                await db.SaveChangesAsync(ct);
                var revoked = await scope.GetRequiredService<AccountService>().RevokeAsync(user.Id, null, null, null, ct);
                await AuditAdminAsync(scope, user.Email, "password-set", revoked);
                Console.WriteLine($"Password of {user.Email} changed; {revoked} session(s) ended.");
                if (generated)
                {
                    Console.WriteLine($"Password (shown once): {password}");
                }
                return 0;
            });
    }

    private static Command RevokeSessionsCommand() =>
        OnOneUser("revoke-sessions", "End every workspace session of a user: each loses access at its next request.", [],
            async (_, scope, _, user, ct) =>
            {
                var revoked = await scope.GetRequiredService<AccountService>().RevokeAsync(user.Id, null, null, null, ct);
                await AuditAdminAsync(scope, user.Email, "revoke-sessions", revoked);
                Console.WriteLine($"{revoked} session(s) of {user.Email} revoked.");
                return 0;
            });

    private static Command ResetTwoFactorCommand() =>
        OnOneUser("reset-2fa",
            "Remove a user's second factor and recovery codes (lost device, no code left) and end their sessions: they enrol again at the next sign-in.",
            [], async (_, scope, db, user, ct) =>
            {
                user.TotpSecret = null;
                user.TotpEnabledAt = null;
                user.TotpLastStep = null;
                await db.Set<RecoveryCode>().Where(c => c.UserId == user.Id).ExecuteDeleteAsync(ct);
                await db.SaveChangesAsync(ct);
                var revoked = await scope.GetRequiredService<AccountService>().RevokeAsync(user.Id, null, null, null, ct);
                await AuditAdminAsync(scope, user.Email, "reset-2fa", revoked);
                Console.WriteLine($"Second factor of {user.Email} removed; they enrol again at their next sign-in.");
                return 0;
            });

    /// <summary>A <c>vigie user</c> command on one existing account, named by its e-mail address: a missing one fails with exit 2.</summary>
    private static Command OnOneUser(string name, string description, Option[] options,
        Func<ParseResult, IServiceProvider, VigieDb, User, CancellationToken, Task<int>> action)
    {
        var email = new Argument<string>("email") { Description = "The user's e-mail address." };
        var command = new Command(name, description) { email };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            return await FindUserAsync(db, parse.GetValue(email), ct) is { } user
                ? await action(parse, scope.ServiceProvider, db, user, ct)
                : Fail($"No user has the address {parse.GetValue(email)}.");
        });
        return command;
    }

    private static Task AuditAdminAsync(IServiceProvider services, string email, string operation, int? sessionsRevoked = null) =>
        services.GetRequiredService<Audit.AuditLog>().RecordAsync(Audit.AuditActor.Cli(), new(Audit.AuditActions.Admin, "user", email,
            Detail: new Dictionary<string, string?> { ["operation"] = operation, ["sessions-revoked"] = sessionsRevoked?.ToString() }));

    private static async Task<User?> FindUserAsync(VigieDb db, string? email, CancellationToken ct) =>
        EmailAddress.TryNormalize(email, out var address, out _) ? await db.Users.FirstOrDefaultAsync(u => u.Email == address, ct) : null;

    /// <summary>The identity texts in the operator's language (LANG=fr… gives French).</summary>
    private static Microsoft.Extensions.Localization.IStringLocalizer Text() =>
        new Microsoft.Extensions.Localization.ResourceManagerStringLocalizerFactory(
            Microsoft.Extensions.Options.Options.Create(new Microsoft.Extensions.Localization.LocalizationOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).Create(typeof(IdentityText));

    public static Command TokenCommand()
    {
        var user = new Option<string>("--user") { Description = "E-mail address of the token's owner.", Required = true };
        var scope = new Option<TokenScope>("--scope")
        {
            Description = "read, write or admin (default write). Never more than the user's role allows.",
            DefaultValueFactory = _ => TokenScope.Write,
        };
        var days = new Option<int>("--expires-days")
        {
            Description = "Days until the token expires (default 90; 0 = never).",
            DefaultValueFactory = _ => 90,
        };
        var name = new Option<string?>("--name") { Description = "What the token is for, e.g. 'SIEM integration'." };
        var create = new Command("create", "Create an API token for a user. Prints it once; only its hash is stored.")
        {
            user, scope, days, name,
        };
        create.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(days) is < 0 or > 3650)
            {
                return Fail("--expires-days must be between 0 and 3650.");
            }
            if (!EmailAddress.TryNormalize(parse.GetValue(user), out var address, out var error))
            {
                return Fail(error!);
            }
            await using var app = VigieCli.BuildHost(parse);
            await using var s = app.Services.CreateAsyncScope();
            var db = s.ServiceProvider.GetRequiredService<VigieDb>();
            if (await db.Users.FirstOrDefaultAsync(u => u.Email == address, ct) is not { } owner)
            {
                return Fail($"No user has the address {address}.");
            }
            if (owner.Disabled)
            {
                return Fail($"The user {address} is disabled.");
            }
            if (parse.GetValue(scope) > VigiePrincipal.ScopeOfRole(owner.Role))
            {
                return Fail($"--scope: a {owner.Role.ToString().ToLowerInvariant()} may have tokens up to the {VigiePrincipal.ScopeOfRole(owner.Role).ToString().ToLowerInvariant()} scope.");
            }
            var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var token = ApiTokens.NewToken();
            var record = new ApiToken
            {
                Id = Guid.CreateVersion7(now),
                UserId = owner.Id,
                Name = parse.GetValue(name)?.Trim() is { Length: > 0 } n ? n : "cli",
                Prefix = ApiTokens.DisplayPrefix(token),
                Hash = ApiTokens.Hash(token),
                Scope = parse.GetValue(scope),
                CreatedAt = now,
                ExpiresAt = parse.GetValue(days) == 0 ? null : now.AddDays(parse.GetValue(days)),
            };
            db.ApiTokens.Add(record);
            await db.SaveChangesAsync(ct);
            await app.Services.GetRequiredService<Audit.AuditLog>().RecordAsync(Audit.AuditActor.Cli(), new(Audit.AuditActions.Admin, "api-token",
                record.Id.ToString(), Detail: new Dictionary<string, string?>
                {
                    ["operation"] = "token-create", ["user"] = address, ["scope"] = record.Scope.ToString().ToLowerInvariant(), ["prefix"] = record.Prefix,
                }));
            Console.Error.WriteLine($"Token '{record.Name}' for {address}, scope {record.Scope.ToString().ToLowerInvariant()}, "
                + (record.ExpiresAt is { } e ? $"expires {e:yyyy-MM-dd}." : "never expires."));
            // The token alone on stdout, so scripts can capture it: TOKEN=$(vigie token create …).
            Console.WriteLine(token);
            return 0;
        });
        return new Command("token", "Manage API tokens.") { create, TokenCommands.List(), TokenCommands.Revoke() };
    }

    private static string GeneratePassword()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }

    internal static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return 2;
    }
}
