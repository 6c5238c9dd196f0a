using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Audit;

namespace Vigie.Bench;

/// <summary>
/// The audit log at scale (docs/performance.md): append latency one at a time and with concurrent
/// writers (each append takes the chain's lock, reads the head and inserts), then `vigie audit verify`
/// over a chain of --entries entries (seeded in bulk with real hashes), with its peak memory.
/// SQLite in a fresh data directory, or PostgreSQL with --postgres CONNECTION-STRING (a database it may fill).
/// </summary>
public static class AuditBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        int appends = 5_000, writers = 8, entries = 1_000_000;
        string? postgres = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--appends": appends = int.Parse(args[++i], Inv); break;
                case "--writers": writers = int.Parse(args[++i], Inv); break;
                case "--entries": entries = int.Parse(args[++i], Inv); break;
                case "--postgres": postgres = args[++i]; break;
                default:
                    Console.Error.WriteLine("usage: audit [--appends N] [--writers N] [--entries N] [--postgres CONNECTION-STRING]");
                    return 2;
            }
        }
        var dataDir = Path.Combine(Path.GetTempPath(), "vigie-audit-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var overrides = new Dictionary<string, string?>
        {
            ["Vigie:DataDirectory"] = dataDir,
            ["Vigie:Database:Provider"] = postgres is null ? "Sqlite" : "Postgres",
            ["Vigie:Database:ConnectionString"] = postgres,
            ["Vigie:Smtp:Enabled"] = "false",
            ["Vigie:Intake:WorkerEnabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = Vigie.VigieHost.BuildApp(Vigie.VigieHost.CreateBuilder([], overrides));
        try
        {
            await DbCommands.MigrateOnStartAsync(app, CancellationToken.None);
            await EmptyAsync(app.Services, postgres is not null);
            var audit = app.Services.GetRequiredService<AuditLog>();
            Console.WriteLine($"audit log on {(postgres is null ? "SQLite (WAL)" : "PostgreSQL")}");

            var single = new double[appends];
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < appends; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await audit.RecordAsync(Actor(i), Event(i));
                single[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            Console.WriteLine($"append, one writer: {appends:N0} in {clock.Elapsed.TotalSeconds:F1} s = {appends / clock.Elapsed.TotalSeconds:N0}/s; "
                + $"latency p50 {Percentile(single, 0.50):F2} ms, p95 {Percentile(single, 0.95):F2} ms, p99 {Percentile(single, 0.99):F2} ms");

            var concurrent = new double[appends];
            clock.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(0, appends), new ParallelOptions { MaxDegreeOfParallelism = writers }, async (i, _) =>
            {
                var started = Stopwatch.GetTimestamp();
                await audit.RecordAsync(Actor(i), Event(i));
                concurrent[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            });
            Console.WriteLine($"append, {writers} writers: {appends:N0} in {clock.Elapsed.TotalSeconds:F1} s = {appends / clock.Elapsed.TotalSeconds:N0}/s; "
                + $"latency p50 {Percentile(concurrent, 0.50):F2} ms, p95 {Percentile(concurrent, 0.95):F2} ms, p99 {Percentile(concurrent, 0.99):F2} ms");

            clock.Restart();
            var total = await SeedAsync(app.Services, entries);
            Console.WriteLine($"seeded a chain of {total:N0} entries in {clock.Elapsed.TotalSeconds:F1} s");

            GC.Collect();
            var before = GC.GetTotalMemory(true);
            Process.GetCurrentProcess().Refresh();
            clock.Restart();
            await using var scope = app.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync();
            var elapsed = clock.Elapsed;
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"verify: {result.Count:N0} entries, whole={result.Whole}, in {elapsed.TotalSeconds:F1} s = {result.Count / elapsed.TotalSeconds:N0} entries/s; "
                + $"managed heap before {before / 1048576.0:F0} MiB, process peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB");
            return result.Whole && result.Count == total ? 0 : 1;
        }
        finally
        {
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static AuditActor Actor(int i) => new(null, $"analyst{i % 12}@csirt.test", $"192.0.2.{i % 250}");

    private static AuditEvent Event(int i) => new(i % 4 == 0 ? AuditActions.Change : AuditActions.Read, "incident", $"2026-{i % 9999:0000}",
        Detail: new Dictionary<string, string?> { ["path"] = $"/incidents/2026-{i % 9999:0000}", ["tab"] = "timeline" });

    /// <summary>Starts from an empty log (the triggers lifted for that moment only).</summary>
    private static async Task EmptyAsync(IServiceProvider services, bool postgres)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        foreach (var sql in postgres ? AuditSchema.PostgresDown.Take(2) : AuditSchema.SqliteDown)
        {
            await db.Database.ExecuteSqlRawAsync(sql);
        }
        await db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries");
        foreach (var sql in postgres ? AuditSchema.PostgresUp.Skip(1) : AuditSchema.SqliteUp)
        {
            await db.Database.ExecuteSqlRawAsync(sql);
        }
    }

    /// <summary>Extends the chain to <paramref name="target"/> entries in batches of 10,000, each entry sealed as AuditLog would.</summary>
    private static async Task<long> SeedAsync(IServiceProvider services, int target)
    {
        var time = services.GetRequiredService<TimeProvider>();
        long sequence;
        string hash;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var head = await db.Set<AuditEntry>().OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).FirstAsync();
            (sequence, hash) = (head.Sequence, head.Hash);
        }
        while (sequence < target)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var n = 0; n < 10_000 && sequence < target; n++)
            {
                var i = (int)(sequence % int.MaxValue);
                var what = Event(i);
                var actor = Actor(i);
                var entry = new AuditEntry
                {
                    Sequence = ++sequence,
                    At = AuditEntry.Truncate(time.GetUtcNow()),
                    Actor = actor.Name,
                    ClientIp = actor.ClientIp,
                    Action = what.Action,
                    ObjectKind = what.ObjectKind,
                    ObjectId = what.ObjectId,
                    Outcome = what.Outcome,
                    Detail = AuditLog.SerializeDetail(what.Detail),
                    PrevHash = hash,
                };
                entry.Seal();
                hash = entry.Hash;
                db.Add(entry);
            }
            await db.SaveChangesAsync();
        }
        return sequence;
    }

    private static double Percentile(double[] values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
