using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Audit;

/// <summary>
/// The chain on a real database: whole chains verify, concurrent appends keep it whole, and rows
/// edited, deleted or swapped with raw SQL (past the append-only triggers, as a database owner can)
/// make <c>vigie audit verify</c> fail naming the right entry. Tests of one class run one after the
/// other, and each starts from an empty log.
/// </summary>
public abstract class AuditChainTests(VigieApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<(int Code, string Out, string Err)> Vigie(params string[] args) => CliTests.Run(app.Settings(), null, args);

    private bool Postgres => app.Provider == Provider.Postgres;

    /// <summary>Raw SQL with the append-only triggers off, as the table's owner could do.</summary>
    private async Task TamperAsync(params string[] statements)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        foreach (var sql in Postgres ? AuditSchema.PostgresDown.Take(2) : AuditSchema.SqliteDown)
        {
            await db.Database.ExecuteSqlRawAsync(sql, Ct);
        }
        foreach (var sql in statements)
        {
            await db.Database.ExecuteSqlRawAsync(sql, Ct);
        }
        foreach (var sql in Postgres ? AuditSchema.PostgresUp.Skip(1) : AuditSchema.SqliteUp)
        {
            await db.Database.ExecuteSqlRawAsync(sql, Ct);
        }
    }

    /// <summary>An empty log, then <paramref name="count"/> entries from three actors.</summary>
    private async Task<List<AuditEntry>> FreshChainAsync(int count)
    {
        app.SkipIfUnavailable();
        await TamperAsync("DELETE FROM audit_entries");
        var audit = app.Services.GetRequiredService<AuditLog>();
        var written = new List<AuditEntry>();
        for (var i = 1; i <= count; i++)
        {
            app.Time.Advance(TimeSpan.FromSeconds(1));
            written.Add(await audit.RecordAsync(new AuditActor(null, $"user{i % 3}@csirt.test", "192.0.2." + i),
                new AuditEvent(AuditActions.Read, "incident", $"2026-{i:0000}", Detail: new Dictionary<string, string?> { ["tab"] = "timeline", ["é"] = "ü\"," })));
        }
        return written;
    }

    private async Task<AuditVerification> VerifyAsync((long, string)? head = null)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(head, Ct);
    }

    [Fact]
    public async Task A_whole_chain_verifies_and_the_cli_prints_its_head()
    {
        var written = await FreshChainAsync(6);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), written.Select(e => e.Sequence));
        Assert.Equal(AuditEntry.Genesis, written[0].PrevHash);
        Assert.All(written.Skip(1).Zip(written), p => Assert.Equal(p.Second.Hash, p.First.PrevHash));

        var result = await VerifyAsync();
        Assert.True(result.Whole, result.Break?.ToString());
        Assert.Equal(6, result.Count);
        Assert.Equal(written[^1].Hash, result.HeadHash);

        var (code, output, error) = await Vigie("audit", "verify");
        Assert.True(code == 0, error);
        Assert.Equal($"OK 6 head 6:{written[^1].Hash}", output.Trim());
        Assert.Contains("6", error);

        var (withHead, headOut, _) = await Vigie("audit", "verify", "--head", $"6:{written[^1].Hash}");
        Assert.Equal(0, withHead);
        Assert.StartsWith("OK 6", headOut, StringComparison.Ordinal);

        var (bad, _, badErr) = await Vigie("audit", "verify", "--head", "six");
        Assert.Equal(2, bad);
        Assert.Contains("--head", badErr);
    }

    [Fact]
    public async Task The_triggers_refuse_update_and_delete()
    {
        await FreshChainAsync(2);
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var update = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync(
            "UPDATE audit_entries SET \"Actor\" = 'mallory@evil.test' WHERE \"Sequence\" = 1", Ct));
        Assert.Contains("append-only", update.Message);
        var delete = await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE \"Sequence\" = 2", Ct));
        Assert.Contains("append-only", delete.Message);
        Assert.True((await VerifyAsync()).Whole);
    }

    [Fact]
    public async Task An_edited_field_is_named_by_the_cli_with_exit_1()
    {
        await FreshChainAsync(6);
        await TamperAsync("UPDATE audit_entries SET \"ObjectId\" = '2026-9999' WHERE \"Sequence\" = 3");

        var (code, output, error) = await Vigie("audit", "verify");
        Assert.Equal(AuditCommands.Broken, code);
        Assert.Equal("BROKEN #3 altered", output.Trim());
        Assert.Contains("#3", error);
    }

    [Fact]
    public async Task An_edit_with_its_hash_recomputed_is_named_at_the_rewritten_entry()
    {
        var written = await FreshChainAsync(5);
        var forged = new AuditEntry
        {
            Sequence = 2, At = written[1].At, ActorId = null, Actor = "nobody@csirt.test", ClientIp = written[1].ClientIp, Action = written[1].Action,
            ObjectKind = written[1].ObjectKind, ObjectId = written[1].ObjectId, Outcome = written[1].Outcome, Detail = written[1].Detail,
            PrevHash = written[1].PrevHash,
        };
        await TamperAsync($"UPDATE audit_entries SET \"Actor\" = 'nobody@csirt.test', \"Hash\" = '{forged.ComputeHash()}' WHERE \"Sequence\" = 2");

        var result = await VerifyAsync();
        Assert.Equal(new AuditBreak(AuditBreakKind.Rewritten, 2, 3), result.Break);
    }

    [Fact]
    public async Task A_deleted_row_is_named_as_missing()
    {
        await FreshChainAsync(6);
        await TamperAsync("DELETE FROM audit_entries WHERE \"Sequence\" = 4");

        var result = await VerifyAsync();
        Assert.Equal(new AuditBreak(AuditBreakKind.Removed, 4, 4), result.Break);
        Assert.Equal(3, result.Count);
    }

    [Fact]
    public async Task Deleting_the_first_rows_is_caught_and_a_truncated_tail_needs_the_recorded_head()
    {
        var written = await FreshChainAsync(6);
        await TamperAsync("DELETE FROM audit_entries WHERE \"Sequence\" <= 2");
        Assert.Equal(new AuditBreak(AuditBreakKind.Removed, 1, 2), (await VerifyAsync()).Break);

        written = await FreshChainAsync(6);
        await TamperAsync("DELETE FROM audit_entries WHERE \"Sequence\" >= 5");
        // Without a head kept elsewhere the shorter chain is whole: this is the documented limit.
        Assert.True((await VerifyAsync()).Whole);
        Assert.Equal(new AuditBreak(AuditBreakKind.Removed, 5, 6), (await VerifyAsync((6, written[^1].Hash))).Break);
        var (code, output, _) = await Vigie("audit", "verify", "--head", $"6:{written[^1].Hash}");
        Assert.Equal(1, code);
        Assert.Equal("BROKEN #5 removed", output.Trim());
    }

    [Fact]
    public async Task Two_swapped_rows_are_named_as_reordered()
    {
        await FreshChainAsync(6);
        await TamperAsync(
            "UPDATE audit_entries SET \"Sequence\" = -3 WHERE \"Sequence\" = 3",
            "UPDATE audit_entries SET \"Sequence\" = 3 WHERE \"Sequence\" = 5",
            "UPDATE audit_entries SET \"Sequence\" = 5 WHERE \"Sequence\" = -3");

        var result = await VerifyAsync();
        Assert.Equal(new AuditBreak(AuditBreakKind.Reordered, 3, 5), result.Break);
        var (code, output, _) = await Vigie("audit", "verify");
        Assert.Equal(1, code);
        Assert.Equal("BROKEN #3 reordered", output.Trim());
    }

    [Fact]
    public async Task Concurrent_appends_keep_the_chain_whole()
    {
        await FreshChainAsync(0);
        var audit = app.Services.GetRequiredService<AuditLog>();
        var entries = await Task.WhenAll(Enumerable.Range(1, 40).Select(i => Task.Run(() =>
            audit.RecordAsync(new AuditActor(null, $"writer{i}@csirt.test", null), new AuditEvent(AuditActions.Change, "incident", $"2026-{i:0000}")), Ct)));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), entries.Select(e => e.Sequence).Order());
        var result = await VerifyAsync();
        Assert.True(result.Whole, result.Break?.ToString());
        Assert.Equal(40, result.Count);
    }

    [Fact]
    public async Task A_burst_larger_than_one_batch_is_written_whole_and_every_caller_returns()
    {
        await FreshChainAsync(0);
        var audit = app.Services.GetRequiredService<AuditLog>();
        var entries = await Task.WhenAll(Enumerable.Range(1, 450).Select(i => Task.Run(() =>
            audit.RecordAsync(new AuditActor(null, $"burst{i}@csirt.test", null), new AuditEvent(AuditActions.Read, "incident", $"2026-{i:0000}")), Ct)))
            .WaitAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.Equal(Enumerable.Range(1, 450).Select(i => (long)i), entries.Select(e => e.Sequence).Order());
        Assert.Equal(450, entries.Select(e => e.ObjectId).Distinct().Count());
        var result = await VerifyAsync();
        Assert.True(result.Whole, result.Break?.ToString());
        Assert.Equal(450, result.Count);
    }

    [Fact]
    public async Task An_append_inside_the_requests_open_transaction_fails_at_once_instead_of_waiting_for_its_lock()
    {
        await FreshChainAsync(0);
        await using var scope = app.Scope();
        var accessor = app.Services.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>();
        accessor.HttpContext = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var audit = app.Services.GetRequiredService<AuditLog>();
            var what = new AuditEvent(AuditActions.Change, "incident", "2026-0042");
            await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
            {
                var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => audit.RecordAsync(AuditActor.System, what));
                Assert.Contains("record it after the commit", refused.Message, StringComparison.Ordinal);
                await transaction.CommitAsync(Ct);
            }
            var entry = await audit.RecordAsync(AuditActor.System, what);
            Assert.Equal((1L, "2026-0042"), (entry.Sequence, entry.ObjectId));
        }
        finally
        {
            accessor.HttpContext = null;
        }
    }

    [Fact]
    public async Task A_purged_prefix_is_accepted_only_with_its_purge_entry()
    {
        var written = await FreshChainAsync(4);
        await TamperAsync("DELETE FROM audit_entries WHERE \"Sequence\" <= 2");
        Assert.False((await VerifyAsync()).Whole);
        await app.Services.GetRequiredService<AuditLog>().RecordAsync(AuditActor.System,
            new AuditEvent(AuditActions.Purge, "audit-log", null, Detail: new Dictionary<string, string?> { ["through"] = "2", ["lastHash"] = written[1].Hash }));
        var result = await VerifyAsync();
        Assert.True(result.Whole, result.Break?.ToString());
        Assert.Equal(3, result.First);
    }
}

public sealed class AuditChainSqliteTests(SqliteApp app) : AuditChainTests(app), IClassFixture<SqliteApp>;

public sealed class AuditChainPostgresTests(PostgresApp app) : AuditChainTests(app), IClassFixture<PostgresApp>;
