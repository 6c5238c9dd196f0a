using System.Security.Claims;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Vigie.Data;

namespace Vigie.Features.Audit;

/// <summary>What happened, before it is given its place in the chain.</summary>
public sealed record AuditEvent(string Action, string? ObjectKind = null, string? ObjectId = null, string Outcome = AuditOutcomes.Success,
    IReadOnlyDictionary<string, string?>? Detail = null);

/// <summary>Who did it and from where.</summary>
public sealed record AuditActor(Guid? Id, string Name, string? ClientIp)
{
    public static readonly AuditActor System = new(null, "system", null);

    public static AuditActor Anonymous(string? ip) => new(null, "anonymous", ip);

    /// <summary>A command typed on the server: the operating-system account that ran it.</summary>
    public static AuditActor Cli() => new(null, "cli:" + Environment.UserName, null);

    public static AuditActor Of(HttpContext http) => Of(http.User, http.Connection.RemoteIpAddress?.ToString());

    public static AuditActor Of(ClaimsPrincipal? user, string? ip) =>
        user?.Identity?.IsAuthenticated == true
            ? new(Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null, user.Identity.Name ?? "unknown", ip)
            : Anonymous(ip);
}

/// <summary>
/// Appends to the audit log. Each append runs in its own short transaction on its own connection
/// (so it never takes part in, or waits for, the caller's unit of work): it takes the chain's lock
/// (PostgreSQL: a transaction-scoped advisory lock, shared by every node; SQLite: BEGIN IMMEDIATE,
/// the database's single writer lock), reads the head, and inserts the next sequence number. The
/// primary key on the sequence number is the backstop: a writer that lost a race retries.
/// </summary>
/// <remarks>
/// Never called while the request's own database context holds an open transaction: on SQLite the
/// append would wait for the single write lock that transaction holds, and the request would hang.
/// Such a call fails at once (<see cref="InvalidOperationException"/>) instead; record after the commit.
/// </remarks>
public sealed class AuditLog(IServiceScopeFactory scopes, TimeProvider time, IHttpContextAccessor requests, ILogger<AuditLog> logger)
{
    /// <summary>Arbitrary, fixed: the advisory-lock key of the chain ("VigieAud" in ASCII).</summary>
    internal const long AdvisoryLockKey = 0x5669676965417564;

    private const int MaxAttempts = 20;

    public Task<AuditEntry> RecordAsync(HttpContext http, AuditEvent what) => RecordAsync(AuditActor.Of(http), what);

    public async Task<AuditEntry> RecordAsync(AuditActor actor, AuditEvent what)
    {
        if (requests.HttpContext?.RequestServices.GetService<VigieDb>()?.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException(
                $"Audit entry '{what.Action}' recorded inside an open transaction of the request's database context: record it after the commit.");
        }
        return await AppendWithRetriesAsync(actor, what);
    }

    /// <summary>For <see cref="AuditChangeInterceptor"/>, which records from a transaction's commit event (committed, not yet cleared).</summary>
    internal async Task<AuditEntry> AppendWithRetriesAsync(AuditActor actor, AuditEvent what)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AppendAsync(actor, what);
            }
            catch (Exception e) when (attempt < MaxAttempts && IsContention(e))
            {
                logger.LogDebug("Audit append lost a race (attempt {Attempt}); retrying.", attempt);
            }
        }
    }

    private async Task<AuditEntry> AppendAsync(AuditActor actor, AuditEvent what)
    {
        // Never cancelled by the caller: a client that hangs up does not erase what it did.
        var ct = CancellationToken.None;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
        }
        var head = await db.Set<AuditEntry>().AsNoTracking().OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        var sequence = (head?.Sequence ?? 0) + 1;
        var entry = new AuditEntry
        {
            Sequence = sequence,
            At = AuditEntry.Truncate(time.GetUtcNow()),
            ActorId = actor.Id,
            Actor = Clip(actor.Name, 320) ?? "unknown",
            ClientIp = Clip(actor.ClientIp, 64),
            Action = what.Action,
            ObjectKind = Clip(what.ObjectKind, 32),
            ObjectId = Clip(what.ObjectId, 128),
            Outcome = what.Outcome,
            Detail = SerializeDetail(what.Detail),
            PrevHash = head?.Hash ?? AuditEntry.Genesis,
        };
        entry.Seal();
        db.Add(entry);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return entry;
    }

    private static bool IsContention(Exception e) => e switch
    {
        DbUpdateException => true,
        // SQLITE_BUSY / SQLITE_LOCKED past the busy timeout.
        SqliteException { SqliteErrorCode: 5 or 6 } => true,
        Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation or Npgsql.PostgresErrorCodes.SerializationFailure } => true,
        _ => e.InnerException is { } inner && IsContention(inner),
    };

    private static string? Clip(string? value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length <= max ? value : value[..max];

    /// <summary>Each value at most 256 characters, the whole at most <see cref="AuditEntry.MaxDetailLength"/>; keys sorted.</summary>
    internal static string? SerializeDetail(IReadOnlyDictionary<string, string?>? detail)
    {
        if (detail is null || detail.Count == 0)
        {
            return null;
        }
        var sorted = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in detail)
        {
            sorted[Clip(key, 64)!] = Clip(value, 256);
        }
        var json = JsonSerializer.Serialize(sorted);
        while (json.Length > AuditEntry.MaxDetailLength)
        {
            var keep = sorted.Where(kv => kv.Key != "truncated").SkipLast(1).ToList();
            sorted = new SortedDictionary<string, string?>(keep.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal)
            {
                ["truncated"] = "true",
            };
            json = JsonSerializer.Serialize(sorted);
        }
        return json;
    }
}
