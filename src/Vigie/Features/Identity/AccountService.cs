using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Web;

namespace Vigie.Features.Identity;

/// <summary>What the password step leads to.</summary>
public enum PasswordOutcome
{
    /// <summary>Unknown address, wrong password, disabled or locked account: one answer for all.</summary>
    Refused,

    /// <summary>A constituent contact who has not enrolled a second factor (optional for them): the session opens now.</summary>
    NoSecondFactor,
    NeedsCode,
    NeedsEnrolment,
}

/// <summary>
/// Sign-in in two steps (password, then TOTP or recovery code), lockout per account, and the sessions
/// a successful sign-in opens. The pages call it; the cookie handler revalidates against its rows.
/// </summary>
public sealed class AccountService(VigieDb db, TwoFactor twoFactor, TimeProvider time, IOptions<AccountOptions> options,
    AuditLog audit, ILogger<AccountService> log)
{
    private static readonly PasswordHasher<User> Hasher = new();
    private static readonly string FakeHash = Hasher.HashPassword(new User(), "timing-equaliser");

    private AccountOptions Options => options.Value;

    public async Task<(PasswordOutcome Outcome, User? User)> CheckPasswordAsync(string? email, string? password, string? clientIp,
        CancellationToken ct)
    {
        var address = Core.EmailAddress.TryNormalize(email, out var a, out _) ? a : null;
        var user = address is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Email == address && !u.Disabled, ct);
        if (user is null)
        {
            // Hash even for an unknown address, so the answer time does not reveal which accounts exist.
            Hasher.VerifyHashedPassword(new User(), FakeHash, password ?? "");
            await RefusedAsync(AuditActor.Anonymous(clientIp), email, "unknown-or-disabled");
            return (PasswordOutcome.Refused, null);
        }
        if (IsLocked(user))
        {
            Hasher.VerifyHashedPassword(new User(), FakeHash, password ?? "");
            await RefusedAsync(Actor(user, clientIp), email, "locked");
            return (PasswordOutcome.Refused, null);
        }
        var verdict = string.IsNullOrEmpty(user.PasswordHash)
            ? PasswordVerificationResult.Failed
            : Hasher.VerifyHashedPassword(user, user.PasswordHash, password ?? "");
        if (verdict == PasswordVerificationResult.Failed)
        {
            await FailAsync(user, clientIp, ct);
            await RefusedAsync(Actor(user, clientIp), email, "bad-password");
            return (PasswordOutcome.Refused, null);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password!);
            await db.SaveChangesAsync(ct);
        }
        if (user.HasTwoFactor)
        {
            return (PasswordOutcome.NeedsCode, user);
        }
        // Staff must enrol a second factor; a constituent contact may (from the portal), and signs in without one until then.
        return (user.RequiresTwoFactor ? PasswordOutcome.NeedsEnrolment : PasswordOutcome.NoSecondFactor, user);
    }

    /// <summary>
    /// Where a session lands: a constituent contact in the portal (a return address elsewhere would only
    /// meet a closed door), staff where they were going.
    /// </summary>
    public static string Landing(User user, string? returnUrl)
    {
        var local = WebSetup.IsLocal(returnUrl) ? returnUrl! : "/";
        if (user.IsStaff)
        {
            return local;
        }
        return local == "/portal" || local.StartsWith("/portal/", StringComparison.Ordinal) || local.StartsWith("/portal?", StringComparison.Ordinal)
            ? local : "/portal";
    }

    private static AuditActor Actor(User user, string? clientIp) => new(user.Id, user.Email, clientIp);

    /// <summary>The address tried is kept (brute force shows in the log), never the password.</summary>
    private Task RefusedAsync(AuditActor actor, string? email, string reason) =>
        audit.RecordAsync(actor, new(AuditActions.SignInFailed, "user", actor.Id is null ? null : actor.Name, AuditOutcomes.Failure,
            new Dictionary<string, string?> { ["email"] = email, ["reason"] = reason }));

    public bool IsLocked(User user) => user.LockedUntil is { } until && until > time.GetUtcNow();

    /// <summary>Counts a failed attempt; the threshold-th locks the account for the configured time.</summary>
    public async Task FailAsync(User user, string? clientIp, CancellationToken ct)
    {
        user.FailedSignIns++;
        if (user.FailedSignIns >= Options.LockoutThreshold)
        {
            user.LockedUntil = time.GetUtcNow() + Options.LockoutDuration;
            user.FailedSignIns = 0;
            log.LogWarning("Account {UserId} locked until {Until} after {Count} failed sign-in attempts.", user.Id, user.LockedUntil,
                Options.LockoutThreshold);
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(Actor(user, clientIp), new(AuditActions.SignInFailed, "user", user.Email, AuditOutcomes.Denied,
                new Dictionary<string, string?> { ["reason"] = "locked-out", ["until"] = user.LockedUntil?.ToString("O") }));
            return;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The second step: a TOTP code, or else a recovery code (used up). Counts failures towards lockout.</summary>
    public async Task<bool> CheckSecondFactorAsync(User user, string? code, string? clientIp, CancellationToken ct)
    {
        if (IsLocked(user))
        {
            return false;
        }
        var ok = TwoFactor.LooksLikeRecoveryCode(code)
            ? await twoFactor.UseRecoveryCodeAsync(db, user.Id, code, ct)
            : twoFactor.VerifyCode(user, code);
        if (!ok)
        {
            await FailAsync(user, clientIp, ct);
            await RefusedAsync(Actor(user, clientIp), user.Email, "bad-code");
            return false;
        }
        user.FailedSignIns = 0;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>The cookie that only lets its holder reach the code or enrolment step, for a few minutes.</summary>
    /// <remarks>A method (e.g. <c>oidc</c>) says how the first step was passed when not by password: the session's audit entry says so.</remarks>
    public static Task SignInPendingAsync(HttpContext http, User user, string stage, string? method = null)
    {
        var identity = new ClaimsIdentity(
            [new(ClaimTypes.NameIdentifier, user.Id.ToString()), new(VigieClaims.Stage, stage)], WebSetup.PendingScheme);
        if (method is not null)
        {
            identity.AddClaim(new Claim(SignInMethodClaim, method));
        }
        return http.SignInAsync(WebSetup.PendingScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>In the pending cookie: the first step's method when it was not the password.</summary>
    public const string SignInMethodClaim = "vigie:signin-method";

    /// <summary>The user of a valid pending cookie at <paramref name="stage"/>, or null.</summary>
    public async Task<User?> PendingUserAsync(HttpContext http, string stage, CancellationToken ct)
    {
        var result = await http.AuthenticateAsync(WebSetup.PendingScheme);
        if (!result.Succeeded || result.Principal.FindFirstValue(VigieClaims.Stage) != stage
            || !Guid.TryParse(result.Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            return null;
        }
        return await db.Users.FirstOrDefaultAsync(u => u.Id == id && !u.Disabled, ct);
    }

    /// <summary>Opens a session (a row, its id in the cookie) and signs the workspace cookie in.</summary>
    /// <remarks>The detail is added to the audit entry (e.g. method=oidc); by default the method of the pending cookie, if it names one.</remarks>
    public async Task<UserSession> StartSessionAsync(HttpContext http, User user, CancellationToken ct,
        IReadOnlyDictionary<string, string?>? detail = null)
    {
        if (detail is null && (await http.AuthenticateAsync(WebSetup.PendingScheme)).Principal?.FindFirstValue(SignInMethodClaim) is { } method)
        {
            detail = new Dictionary<string, string?> { ["method"] = method };
        }
        var now = time.GetUtcNow();
        var session = new UserSession
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            Ip = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = http.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua[..Math.Min(ua.Length, 300)] : null,
        };
        db.Set<UserSession>().Add(session);
        user.FailedSignIns = 0;
        await db.SaveChangesAsync(ct);
        var principal = VigiePrincipal.Create(user, VigiePrincipal.ScopeOfRole(user.Role), WebSetup.CookieScheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(VigieClaims.SessionId, session.Id.ToString()));
        await http.SignOutAsync(WebSetup.PendingScheme);
        await http.SignInAsync(WebSetup.CookieScheme, principal);
        var auditDetail = new Dictionary<string, string?> { ["session"] = session.Id.ToString() };
        foreach (var (key, value) in detail ?? new Dictionary<string, string?>())
        {
            auditDetail[key] = value;
        }
        await audit.RecordAsync(Actor(user, session.Ip), new(AuditActions.SignIn, "user", user.Email, Detail: auditDetail));
        return session;
    }

    /// <summary>
    /// Revokes sessions of a user: one, all but one, or all. Returns how many were revoked. Recorded in
    /// the audit log as done by <paramref name="by"/>, unless null (signing out records itself).
    /// </summary>
    public async Task<int> RevokeAsync(Guid userId, Guid? only, Guid? except, AuditActor? by, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var query = db.Set<UserSession>().Where(s => s.UserId == userId && s.RevokedAt == null);
        if (only is { } o)
        {
            query = query.Where(s => s.Id == o);
        }
        if (except is { } e)
        {
            query = query.Where(s => s.Id != e);
        }
        var revoked = await query.ExecuteUpdateAsync(u => u.SetProperty(s => s.RevokedAt, now), ct);
        if (revoked > 0 && by is not null)
        {
            await audit.RecordAsync(by, new(AuditActions.Admin, "user-session", only?.ToString() ?? userId.ToString(),
                Detail: new Dictionary<string, string?> { ["operation"] = "revoke-sessions", ["user"] = userId.ToString(), ["count"] = revoked.ToString() }));
        }
        return revoked;
    }

    /// <summary>Whether a session still stands: not revoked, not idle too long, its user enabled. Touches LastSeenAt once a minute.</summary>
    public async Task<bool> IsSessionActiveAsync(Guid userId, Guid sessionId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var idleSince = now - Options.SessionIdleTimeout;
        var session = await db.Set<UserSession>().AsNoTracking()
            .Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null && s.LastSeenAt > idleSince)
            .Where(s => db.Users.Any(u => u.Id == userId && !u.Disabled))
            .Select(s => new { s.LastSeenAt })
            .FirstOrDefaultAsync(ct);
        if (session is null)
        {
            return false;
        }
        if (now - session.LastSeenAt > TimeSpan.FromMinutes(1))
        {
            await db.Set<UserSession>().Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAt, now), ct);
        }
        return true;
    }
}
