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
/// Appends to the audit log. Appends run in their own short transaction on their own connection
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

    /// <summary>At most this many waiting entries are written in one transaction.</summary>
    private const int MaxBatch = 200;

    public Task<AuditEntry> RecordAsync(HttpContext http, AuditEvent what) => RecordAsync(AuditActor.Of(http), what);

    /// <summary>Done by <paramref name="user"/>, from the current request's client address when there is one.</summary>
    public Task<AuditEntry> RecordAsync(ClaimsPrincipal user, AuditEvent what) =>
        RecordAsync(AuditActor.Of(user, requests.HttpContext?.Connection.RemoteIpAddress?.ToString()), what);

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
    /// <remarks>
    /// Group commit: appends waiting in this process are written together, in arrival order, by whichever
    /// caller holds the writer slot, in one transaction; each caller returns once its own entry is
    /// committed. One writer per process means no busy-waiting on the chain's lock between our own
    /// requests (it cost a p99 of almost a second with eight concurrent writers on SQLite), and one
    /// commit (one fsync) for many entries under load.
    /// </remarks>
    internal async Task<AuditEntry> AppendWithRetriesAsync(AuditActor actor, AuditEvent what)
    {
        var mine = new Pending(actor, what, new(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending.Enqueue(mine);
        await _writer.WaitAsync();
        try
        {
            // Until this caller's own entry is written: a batch is capped, so with a long queue (and waiters
            // woken in any order) the first batch taken may not reach it, and nobody else may be left to.
            while (!mine.Done.Task.IsCompleted)
            {
                var batch = new List<Pending>();
                while (batch.Count < MaxBatch && _pending.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
                try
                {
                    var written = await AppendBatchWithRetriesAsync(batch);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Done.SetResult(written[i]);
                    }
                }
                catch (Exception e)
                {
                    batch.ForEach(p => p.Done.TrySetException(e));
                }
            }
        }
        finally
        {
            _writer.Release();
        }
        return await mine.Done.Task;
    }

    private sealed record Pending(AuditActor Actor, AuditEvent What, TaskCompletionSource<AuditEntry> Done);

    private readonly System.Collections.Concurrent.ConcurrentQueue<Pending> _pending = new();

    private readonly SemaphoreSlim _writer = new(1, 1);

    private async Task<List<AuditEntry>> AppendBatchWithRetriesAsync(List<Pending> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AppendBatchAsync(batch);
            }
            catch (Exception e) when (attempt < MaxAttempts && IsContention(e))
            {
                // Another node (PostgreSQL) or process on the same SQLite file got there first.
                logger.LogDebug("Audit append lost a race (attempt {Attempt}); retrying.", attempt);
            }
        }
    }

    private async Task<List<AuditEntry>> AppendBatchAsync(List<Pending> batch)
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
        var (sequence, previous) = (head?.Sequence ?? 0, head?.Hash ?? AuditEntry.Genesis);
        var at = AuditEntry.Truncate(time.GetUtcNow());
        var entries = new List<AuditEntry>(batch.Count);
        foreach (var (actor, what, _) in batch)
        {
            var entry = new AuditEntry
            {
                Sequence = ++sequence,
                At = at,
                ActorId = actor.Id,
                Actor = Clip(actor.Name, 320) ?? "unknown",
                ClientIp = Clip(actor.ClientIp, 64),
                Action = what.Action,
                ObjectKind = Clip(what.ObjectKind, 32),
                ObjectId = Clip(what.ObjectId, 128),
                Outcome = what.Outcome,
                Detail = SerializeDetail(what.Detail),
                PrevHash = previous,
            };
            entry.Seal();
            previous = entry.Hash;
            entries.Add(entry);
        }
        db.AddRange(entries);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return entries;
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
