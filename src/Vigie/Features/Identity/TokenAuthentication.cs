using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigie.Data;

namespace Vigie.Features.Identity;

/// <summary>Claim types Vigie adds to an authenticated principal.</summary>
public static class VigieClaims
{
    public const string Scope = "vigie:scope";
    public const string ConstituentId = "vigie:constituent";

    /// <summary>The <see cref="UserSession"/> a workspace cookie belongs to.</summary>
    public const string SessionId = "vigie:sid";

    /// <summary>On the pending (between password and code) cookie: "code" or "enrol".</summary>
    public const string Stage = "vigie:stage";
}

/// <summary>
/// <c>Authorization: Bearer vgt_…</c>: looks the token up by its hash and builds a principal from
/// the owning user (role) and the token (scope). Expired, revoked or disabled means 401.
/// </summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    VigieDb db,
    TimeProvider time,
    Audit.AuditLog audit) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var token = header["Bearer ".Length..].Trim();
        if (!token.StartsWith(ApiTokens.Prefix, StringComparison.Ordinal) || token.Length > 100)
        {
            await RecordRefusalAsync("malformed", null);
            return AuthenticateResult.Fail("Malformed API token.");
        }

        var hash = ApiTokens.Hash(token);
        var found = await db.ApiTokens
            .Where(t => t.Hash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .FirstOrDefaultAsync(Context.RequestAborted);
        var now = time.GetUtcNow();
        if (found is null || found.Token.RevokedAt is not null || found.User.Disabled
            || (found.Token.ExpiresAt is { } expires && expires <= now))
        {
            // Never log the token itself: only that one was refused.
            Logger.LogInformation("Refused an API token (unknown, revoked, expired or disabled user).");
            await RecordRefusalAsync(found is null ? "unknown" : found.Token.RevokedAt is not null ? "revoked" : found.User.Disabled ? "user-disabled" : "expired",
                found?.Token);
            return AuthenticateResult.Fail("Invalid, expired or revoked API token.");
        }

        // Record last use at most once a minute: a write per request would serialise SQLite.
        if (found.Token.LastUsedAt is null || now - found.Token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.ApiTokens.Where(t => t.Id == found.Token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        var principal = VigiePrincipal.Create(found.User, found.Token.Scope, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>The audit entry names the token by its id and display prefix when it is known, never by its secret part.</summary>
    private Task RecordRefusalAsync(string reason, ApiToken? token) => audit.RecordAsync(
        Audit.AuditActor.Anonymous(Context.Connection.RemoteIpAddress?.ToString()),
        new(Audit.AuditActions.TokenRefused, "api-token", token?.Id.ToString(), Audit.AuditOutcomes.Denied,
            new Dictionary<string, string?> { ["reason"] = reason, ["path"] = Request.Path.Value, ["prefix"] = token?.Prefix }));
}
