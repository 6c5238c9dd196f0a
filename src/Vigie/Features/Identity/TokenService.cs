using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Vigie.Core;
using Vigie.Data;

namespace Vigie.Features.Identity;

/// <summary>A token as its owner sees it: never the token itself, only its prefix.</summary>
public sealed record ApiTokenDto(Guid Id, string Name, string Prefix, string Scope, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool Active);

/// <summary>A token just created: <see cref="Token"/> is shown this once and stored only as a hash.</summary>
public sealed record CreatedTokenDto(ApiTokenDto Info, string Token);

/// <summary>What to create: a name, a scope (read, write, admin), a lifetime in days (1–365).</summary>
public sealed record CreateTokenRequest(string? Name, string? Scope, int? ExpiresInDays);

/// <summary>
/// A person's own API tokens: list (with last use), create, revoke. A token never gets more than its
/// maker may do now: its scope is at most the role's and the scope of the credential used to ask
/// (a read-only token mints read-only tokens), and it always expires, within a year.
/// </summary>
public sealed class TokenService(VigieDb db, TimeProvider time, Audit.AuditLog audit)
{
    public const int DefaultDays = 90;
    public const int MaxDays = 365;
    public const int MaxName = 100;

    public async Task<List<ApiTokenDto>> ListAsync(Guid userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == userId).ToListAsync(ct);
        return [.. tokens.OrderByDescending(t => t.CreatedAt).Select(t => Dto(t, now))];
    }

    public async Task<Result<CreatedTokenDto>> CreateAsync(ClaimsPrincipal user, CreateTokenRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (UserId(user) is not { } userId || await db.Users.FirstOrDefaultAsync(u => u.Id == userId && !u.Disabled, ct) is not { } owner)
        {
            return new Error(ErrorKind.Forbidden, "forbidden", "Only a signed-in, active user has tokens.");
        }
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim() ?? "";
        if (name.Length == 0 || name.Length > MaxName || name.Any(char.IsControl))
        {
            errors["name"] = [$"Name the token (what it is for), on one line, in at most {MaxName} characters."];
        }
        TokenScope scope = TokenScope.Read;
        if (!Enum.TryParse(request.Scope, ignoreCase: true, out scope) || !Enum.IsDefined(scope) || int.TryParse(request.Scope, out _))
        {
            errors["scope"] = ["The scope is read, write or admin."];
        }
        else
        {
            var ceiling = (TokenScope)Math.Min((int)VigiePrincipal.ScopeOfRole(owner.Role), (int)CallerScope(user));
            if (scope > ceiling)
            {
                errors["scope"] = [$"You may create tokens up to the {ceiling.ToString().ToLowerInvariant()} scope."];
            }
        }
        var days = request.ExpiresInDays ?? DefaultDays;
        if (days is < 1 or > MaxDays)
        {
            errors["expiresInDays"] = [$"A token lives between 1 and {MaxDays} days."];
        }
        if (errors.Count > 0)
        {
            return Error.Validation(errors);
        }
        var now = time.GetUtcNow();
        var token = ApiTokens.NewToken();
        var record = new ApiToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = owner.Id,
            Name = name,
            Prefix = ApiTokens.DisplayPrefix(token),
            Hash = ApiTokens.Hash(token),
            Scope = scope,
            CreatedAt = now,
            ExpiresAt = now.AddDays(days),
        };
        db.ApiTokens.Add(record);
        await db.SaveChangesAsync(ct);
        await AuditAsync(user, record, "token-create");
        return new CreatedTokenDto(Dto(record, now), token);
    }

    /// <summary>Revokes one of the caller's own tokens (someone else's is "not found").</summary>
    public async Task<Result<ApiTokenDto>> RevokeAsync(ClaimsPrincipal user, Guid tokenId, CancellationToken ct)
    {
        var userId = UserId(user);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && t.UserId == userId, ct);
        if (token is null)
        {
            return Error.NotFound($"Token {tokenId}");
        }
        var now = time.GetUtcNow();
        if (token.RevokedAt is null)
        {
            token.RevokedAt = now;
            await db.SaveChangesAsync(ct);
            await AuditAsync(user, token, "token-revoke");
        }
        return Dto(token, now);
    }

    /// <summary>Named by id and display prefix, never by its secret part.</summary>
    private Task AuditAsync(ClaimsPrincipal user, ApiToken token, string operation) =>
        audit.RecordAsync(user, new Audit.AuditEvent(Audit.AuditActions.Admin, "api-token", token.Id.ToString(), Detail: new Dictionary<string, string?>
        {
            ["operation"] = operation,
            ["prefix"] = token.Prefix,
            ["scope"] = token.Scope.ToString().ToLowerInvariant(),
            ["expires"] = token.ExpiresAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        }));

    private static Guid? UserId(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    private static TokenScope CallerScope(ClaimsPrincipal user) =>
        Enum.TryParse<TokenScope>(user.FindFirstValue(VigieClaims.Scope), ignoreCase: true, out var s) ? s : TokenScope.Read;

    internal static ApiTokenDto Dto(ApiToken t, DateTimeOffset now) => new(t.Id, t.Name, t.Prefix, t.Scope.ToString().ToLowerInvariant(),
        t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.RevokedAt is null && (t.ExpiresAt is null || t.ExpiresAt > now));
}
