using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Vigie.Core.Constituents;
using Vigie.Core.Incidents;
using Vigie.Core.Taxonomy;
using Vigie.Data;
using Vigie.Features.Identity;

namespace Vigie.Bench;

/// <summary>
/// End-to-end latency of <c>GET /api/v1/incidents</c> (docs/performance-incidents.md): the real host on
/// a loopback socket, a real bearer token, N seeded incidents, one client sending sequential requests
/// that cycle over realistic filter combinations and keyset pages.
/// </summary>
/// <remarks>
/// Seeding bypasses EF: one prepared INSERT in one transaction on SQLite, binary COPY on PostgreSQL.
/// The seeded database is kept (bench/.data/, or the PostgreSQL database given) and reused when it
/// holds the same count from the same generator; <c>--reseed</c> forces a new one.
/// </remarks>
public static class IncidentsListBench
{
    private const int Seed = 20_261_127;
    private const int ConstituentCount = 200;

    // Bump when the generator changes, so an older seeded database is not mistaken for this one.
    private const int GeneratorVersion = 1;
    private const string BenchUser = "bench@vigie.invalid";

    private static readonly DateTimeOffset SeedClock = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Options(int Incidents, string? Postgres, int Requests, int Warmup, bool Reseed, bool Explain, string DataRoot);

    public static async Task<int> RunAsync(string[] args)
    {
        if (ParseOptions(args) is not { } o)
        {
            return 2;
        }

        var postgres = o.Postgres is not null;
        var dataDir = Path.Combine(o.DataRoot, postgres ? "incidents-list-postgres" : "incidents-list-sqlite");
        Directory.CreateDirectory(dataDir);
        var dbPath = Path.Combine(dataDir, "vigie.db");
        var markerPath = Path.Combine(dataDir, "seed.txt");
        var marker = string.Create(Inv, $"vigie-bench incidents-list v{GeneratorVersion} {o.Incidents}");

        var reuse = false;
        if (!postgres)
        {
            reuse = !o.Reseed && File.Exists(dbPath) && File.Exists(markerPath) && File.ReadAllText(markerPath).Trim() == marker;
            if (!reuse)
            {
                foreach (var f in new[] { dbPath, dbPath + "-wal", dbPath + "-shm", markerPath })
                {
                    File.Delete(f);
                }
            }
        }

        var overrides = new Dictionary<string, string?>
        {
            ["Vigie:DataDirectory"] = dataDir,
            ["Vigie:Database:Provider"] = postgres ? "Postgres" : "Sqlite",
            ["Vigie:Database:ConnectionString"] = o.Postgres,
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        };
        var builder = VigieHost.CreateBuilder([], overrides);
        await using var app = VigieHost.BuildApp(builder);
        await DataSetup.MigrateAsync(app.Services);

        if (postgres)
        {
            reuse = !o.Reseed && await ReadPostgresMarkerAsync(o.Postgres!) == marker;
        }

        var seedClock = Stopwatch.StartNew();
        if (!reuse)
        {
            var constituents = await SeedConstituentsAsync(app.Services, postgres, o.Postgres);
            if (postgres)
            {
                await SeedPostgresAsync(o.Postgres!, o.Incidents, constituents, marker);
            }
            else
            {
                SeedSqlite(dbPath, o.Incidents, constituents);
                File.WriteAllText(markerPath, marker + "\n");
            }
        }
        seedClock.Stop();

        // Pooled connections opened before the seed must not keep a schema without statistics.
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();

        var facts = await ReadFactsAsync(app.Services);
        var token = await CreateTokenAsync(app.Services);
        var size = postgres ? await PostgresSizeAsync(o.Postgres!) : SqliteSize(dbPath);

        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 1,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                UseProxy = false,
            })
            {
                BaseAddress = new Uri(address),
            };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            Console.WriteLine(string.Create(Inv,
                $"provider {(postgres ? "postgres" : "sqlite")}; incidents {facts.Incidents}; constituents {facts.Constituents.Count}; " +
                $"seed {(reuse ? "reused" : $"{seedClock.Elapsed.TotalSeconds:F1} s")}; {size}"));

            var scenarios = await BuildScenariosAsync(http, facts);
            if (o.Explain)
            {
                await ExplainAsync(http, scenarios, postgres ? o.Postgres! : SqliteConnectionString(dbPath), postgres);
            }

            return await MeasureAsync(http, scenarios, o);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static Options? ParseOptions(string[] args)
    {
        var incidents = 1_000_000;
        string? pg = null;
        var requests = 2000;
        var warmup = 200;
        var reseed = false;
        var explain = false;
        string? dataRoot = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--incidents" when i + 1 < args.Length:
                    incidents = int.Parse(args[++i], NumberStyles.None, Inv);
                    break;
                case "--postgres" when i + 1 < args.Length:
                    pg = args[++i];
                    break;
                case "--requests" when i + 1 < args.Length:
                    requests = int.Parse(args[++i], NumberStyles.None, Inv);
                    break;
                case "--warmup" when i + 1 < args.Length:
                    warmup = int.Parse(args[++i], NumberStyles.None, Inv);
                    break;
                case "--data-dir" when i + 1 < args.Length:
                    dataRoot = args[++i];
                    break;
                case "--reseed":
                    reseed = true;
                    break;
                case "--explain":
                    explain = true;
                    break;
                default:
                    Console.Error.WriteLine($"incidents-list: unknown argument '{args[i]}' " +
                        "(use --incidents N [--postgres CONNSTRING] [--requests N] [--warmup N] [--reseed] [--explain] [--data-dir DIR])");
                    return null;
            }
        }
        if (incidents < 1000 || requests < 1)
        {
            Console.Error.WriteLine("incidents-list: --incidents must be at least 1000 and --requests at least 1.");
            return null;
        }
        return new Options(incidents, pg, requests, warmup, reseed, explain, dataRoot ?? DefaultDataRoot());
    }

    /// <summary><c>bench/.data</c> of the checkout (gitignored), else the temp directory.</summary>
    private static string DefaultDataRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vigie.slnx")))
            {
                return Path.Combine(dir.FullName, "bench", ".data");
            }
        }
        return Path.Combine(Path.GetTempPath(), "vigie-bench");
    }

    private static string SqliteConnectionString(string dbPath) =>
        new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString();

    // ---------------------------------------------------------------- seeding

    /// <summary>
    /// The 200 constituents go through EF (so their keys are stored exactly as EF stores them);
    /// returns the keys as the database holds them, in rank order (rank 0 is the busiest).
    /// </summary>
    private static async Task<List<Guid>> SeedConstituentsAsync(IServiceProvider services, bool postgres, string? cs)
    {
        if (postgres)
        {
            await using var conn = new NpgsqlConnection(cs);
            await conn.OpenAsync();
            await using var truncate = new NpgsqlCommand("TRUNCATE incidents, constituents, users CASCADE", conn);
            await truncate.ExecuteNonQueryAsync();
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var ids = new List<Guid>(ConstituentCount);
        var kinds = new[] { ConstituentKind.Client, ConstituentKind.Internal, ConstituentKind.Partner };
        for (var i = 0; i < ConstituentCount; i++)
        {
            var kind = kinds[i % 7 == 0 ? 1 : i % 11 == 0 ? 2 : 0];
            var contract = kind == ConstituentKind.Client
                ? new Contract { Reference = string.Create(Inv, $"CTR-{2016 + i % 10}-{i:D4}"), Tier = i % 3 == 0 ? "gold" : "standard", OnSiteSupport = i % 3 == 0 }
                : null;
            var c = Constituent.Create(string.Create(Inv, $"{OrgNames[i % OrgNames.Length]} {i / OrgNames.Length + 1:D2}"),
                kind, contract, null, SeedClock.AddYears(-11).AddDays(i)).Value!;
            db.Constituents.Add(c);
            ids.Add(c.Id);
        }
        await db.SaveChangesAsync();
        return ids;
    }

    /// <summary>One incident row, reused across the generator's iterations.</summary>
    private sealed class Row
    {
        public Guid Id;
        public int Year;
        public int Sequence;
        public string Number = "";
        public long Ordinal;
        public string Title = "";
        public string? Description;
        public string? RsitClass;
        public string? RsitType;
        public Severity Severity;
        public Impact Impact;
        public Priority Priority;
        public Tlp Tlp;
        public Pap Pap;
        public IncidentState State;
        public Guid? ConstituentId;
        public string? Assignee;
        public string CreatedBy = "";
        public DateTimeOffset CreatedAt;
        public DateTimeOffset UpdatedAt;
    }

    /// <summary>
    /// Incidents 2016–2026, growing 18 % a year, numbered per year; states by age (the last few
    /// hundred are being handled, a stale open case now and then further back, the rest closed or
    /// rejected); RSIT classes, TLP, severity and impact from fixed weights; constituents Zipf-like
    /// (the busiest has ~17 %, the quietest ~0.1 %), 4 % without one. Fixed seed.
    /// </summary>
    private static IEnumerable<Row> Generate(int count, IReadOnlyList<Guid> constituents)
    {
        var random = new Random(Seed);
        var years = Enumerable.Range(2016, 11).ToArray();
        var weights = years.Select(y => Math.Pow(1.18, y - 2016) * (y == 2026 ? 331.0 / 365 : 1)).ToArray();
        var perYear = weights.Select(w => (int)(count * w / weights.Sum())).ToArray();
        perYear[^1] += count - perYear.Sum();

        var classes = RsitTaxonomy.Default.Classes;
        var classPick = new Picker(random, classes.Select(c => ClassWeights.GetValueOrDefault(c.Value, 1.0)));
        var constituentPick = new Picker(random, constituents.Select((_, i) => 1.0 / (i + 1)));
        var severityPick = new Picker(random, [30, 45, 20, 5]);
        var impactPick = new Picker(random, [40, 40, 15, 5]);
        var tlpPick = new Picker(random, [4, 26, 56, 10, 4]);
        var papPick = new Picker(random, [5, 25, 60, 10]);

        var row = new Row();
        var index = 0;
        for (var y = 0; y < years.Length; y++)
        {
            var year = years[y];
            var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var span = (year == 2026 ? SeedClock : start.AddYears(1)) - start;
            for (var seq = 1; seq <= perYear[y]; seq++, index++)
            {
                var age = count - 1 - index;
                var created = start + span * ((seq - 1 + random.NextDouble() * 0.9) / perYear[y]);
                var rsit = classes[classPick.Next()];
                var unclassified = age < 300 && random.NextDouble() < 0.5;
                row.Id = Guid.CreateVersion7(created);
                row.Year = year;
                row.Sequence = seq;
                row.Number = IncidentNumber.Format(year, seq);
                row.Ordinal = IncidentNumber.Ordinal(year, seq);
                row.RsitClass = unclassified ? null : rsit.Value;
                row.RsitType = unclassified || rsit.Types.Count == 0 ? null : rsit.Types[random.Next(rsit.Types.Count)].Value;
                row.Severity = (Severity)(severityPick.Next() + 1);
                row.Impact = (Impact)(impactPick.Next() + 1);
                row.Priority = PriorityMatrix.Derive(row.Severity, row.Impact);
                row.Tlp = (Tlp)tlpPick.Next();
                row.Pap = (Pap)papPick.Next();
                row.State = StateFor(age, random);
                row.ConstituentId = random.NextDouble() < 0.04 ? null : constituents[constituentPick.Next()];
                row.Assignee = row.State == IncidentState.New ? null : Analysts[random.Next(Analysts.Length)];
                row.CreatedBy = random.NextDouble() < 0.7 ? "intake@vigie.invalid" : Analysts[random.Next(Analysts.Length)];
                row.CreatedAt = created;
                row.UpdatedAt = created.AddMinutes(random.Next(5, 60 * 24 * 20));
                var subject = Subjects[random.Next(Subjects.Length)];
                row.Title = unclassified
                    ? $"Report from {subject}: to be triaged"
                    : string.Create(Inv, $"{rsit.Types.FirstOrDefault(t => t.Value == row.RsitType)?.Label ?? rsit.Label} – {subject}");
                row.Description = random.NextDouble() < 0.2 ? null : string.Create(Inv,
                    $"Reported by {subject} on {created:yyyy-MM-dd HH:mm} UTC. Affected host 10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}, " +
                    $"first seen {created.AddHours(-random.Next(1, 72)):yyyy-MM-dd}. {Notes[random.Next(Notes.Length)]}");
                yield return row;
            }
        }
    }

    private static IncidentState StateFor(int age, Random random)
    {
        var x = random.NextDouble();
        return age switch
        {
            < 300 => x switch
            {
                < 0.30 => IncidentState.New,
                < 0.55 => IncidentState.Triage,
                < 0.90 => IncidentState.Open,
                < 0.95 => IncidentState.Contained,
                _ => IncidentState.Rejected,
            },
            < 3000 => x switch
            {
                < 0.03 => IncidentState.Triage,
                < 0.28 => IncidentState.Open,
                < 0.38 => IncidentState.Contained,
                < 0.63 => IncidentState.Resolved,
                < 0.93 => IncidentState.Closed,
                _ => IncidentState.Rejected,
            },
            < 20_000 => x switch
            {
                < 0.02 => IncidentState.Open,
                < 0.12 => IncidentState.Resolved,
                < 0.92 => IncidentState.Closed,
                _ => IncidentState.Rejected,
            },
            _ => x switch
            {
                < 0.003 => IncidentState.Open,
                < 0.010 => IncidentState.Resolved,
                < 0.900 => IncidentState.Closed,
                _ => IncidentState.Rejected,
            },
        };
    }

    private static void SeedSqlite(string dbPath, int count, IReadOnlyList<Guid> constituentKeys)
    {
        using var conn = new SqliteConnection(SqliteConnectionString(dbPath));
        conn.Open();
        Execute(conn, "PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576; PRAGMA temp_store=MEMORY;");

        // Keys as EF wrote them (TEXT, upper-case 'D' format), so the API's parameters match.
        var stored = new Dictionary<Guid, string>();
        using (var read = conn.CreateCommand())
        {
            read.CommandText = "SELECT \"Id\" FROM constituents";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var text = reader.GetString(0);
                stored[Guid.Parse(text)] = text;
            }
        }

        using var tx = conn.BeginTransaction();
        using var insert = conn.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO incidents ("Id","Year","Sequence","Number","Ordinal","Title","Description","RsitClass","RsitType",
              "Severity","Impact","Priority","Tlp","Pap","State","ConstituentId","Assignee","CreatedBy","CreatedAt","UpdatedAt")
            VALUES ($id,$year,$seq,$number,$ordinal,$title,$description,$class,$type,
              $severity,$impact,$priority,$tlp,$pap,$state,$constituent,$assignee,$createdBy,$createdAt,$updatedAt)
            """;
        var names = new[] { "$id", "$year", "$seq", "$number", "$ordinal", "$title", "$description", "$class", "$type",
            "$severity", "$impact", "$priority", "$tlp", "$pap", "$state", "$constituent", "$assignee", "$createdBy", "$createdAt", "$updatedAt" };
        var p = names.Select(n => insert.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        insert.Prepare();
        foreach (var r in Generate(count, constituentKeys))
        {
            p[0].Value = r.Id.ToString("D").ToUpperInvariant();
            p[1].Value = r.Year;
            p[2].Value = r.Sequence;
            p[3].Value = r.Number;
            p[4].Value = r.Ordinal;
            p[5].Value = r.Title;
            p[6].Value = (object?)r.Description ?? DBNull.Value;
            p[7].Value = (object?)r.RsitClass ?? DBNull.Value;
            p[8].Value = (object?)r.RsitType ?? DBNull.Value;
            p[9].Value = r.Severity.ToString();
            p[10].Value = r.Impact.ToString();
            p[11].Value = r.Priority.ToString();
            p[12].Value = r.Tlp.ToString();
            p[13].Value = r.Pap.ToString();
            p[14].Value = r.State.ToString();
            p[15].Value = r.ConstituentId is { } c ? stored[c] : DBNull.Value;
            p[16].Value = (object?)r.Assignee ?? DBNull.Value;
            p[17].Value = r.CreatedBy;
            p[18].Value = r.CreatedAt.UtcTicks;
            p[19].Value = r.UpdatedAt.UtcTicks;
            insert.ExecuteNonQuery();
        }
        tx.Commit();
        Execute(conn, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);");
    }

    private static async Task SeedPostgresAsync(string cs, int count, IReadOnlyList<Guid> constituentKeys, string marker)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using (var writer = await conn.BeginBinaryImportAsync("""
            COPY incidents ("Id","Year","Sequence","Number","Ordinal","Title","Description","RsitClass","RsitType",
              "Severity","Impact","Priority","Tlp","Pap","State","ConstituentId","Assignee","CreatedBy","CreatedAt","UpdatedAt")
            FROM STDIN (FORMAT BINARY)
            """))
        {
            foreach (var r in Generate(count, constituentKeys))
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(r.Id, NpgsqlDbType.Uuid);
                await writer.WriteAsync(r.Year, NpgsqlDbType.Integer);
                await writer.WriteAsync(r.Sequence, NpgsqlDbType.Integer);
                await writer.WriteAsync(r.Number, NpgsqlDbType.Varchar);
                await writer.WriteAsync(r.Ordinal, NpgsqlDbType.Bigint);
                await writer.WriteAsync(r.Title, NpgsqlDbType.Varchar);
                await WriteNullableAsync(writer, r.Description, NpgsqlDbType.Text);
                await WriteNullableAsync(writer, r.RsitClass, NpgsqlDbType.Varchar);
                await WriteNullableAsync(writer, r.RsitType, NpgsqlDbType.Varchar);
                await writer.WriteAsync(r.Severity.ToString(), NpgsqlDbType.Varchar);
                await writer.WriteAsync(r.Impact.ToString(), NpgsqlDbType.Varchar);
                await writer.WriteAsync(r.Priority.ToString(), NpgsqlDbType.Varchar);
                await writer.WriteAsync(r.Tlp.ToString(), NpgsqlDbType.Varchar);
                await writer.WriteAsync(r.Pap.ToString(), NpgsqlDbType.Varchar);
                await writer.WriteAsync(r.State.ToString(), NpgsqlDbType.Varchar);
                if (r.ConstituentId is { } c)
                {
                    await writer.WriteAsync(c, NpgsqlDbType.Uuid);
                }
                else
                {
                    await writer.WriteNullAsync();
                }
                await WriteNullableAsync(writer, r.Assignee, NpgsqlDbType.Varchar);
                await writer.WriteAsync(r.CreatedBy, NpgsqlDbType.Varchar);
                await writer.WriteAsync(r.CreatedAt, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(r.UpdatedAt, NpgsqlDbType.TimestampTz);
            }
            await writer.CompleteAsync();
        }

        // What autovacuum would do on its own a little later: statistics, visibility map.
        foreach (var table in new[] { "incidents", "constituents" })
        {
            // One statement per command: VACUUM refuses to run inside a multi-statement batch.
            await using var vacuum = new NpgsqlCommand($"VACUUM (ANALYZE) {table}", conn) { CommandTimeout = 600 };
            await vacuum.ExecuteNonQueryAsync();
        }
        await using var comment = new NpgsqlCommand($"COMMENT ON TABLE incidents IS '{marker}'", conn);
        await comment.ExecuteNonQueryAsync();
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type) =>
        value is null ? writer.WriteNullAsync() : writer.WriteAsync(value, type);

    private static async Task<string?> ReadPostgresMarkerAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT obj_description('incidents'::regclass, 'pg_class')", conn);
        return await cmd.ExecuteScalarAsync() as string;
    }

    private static void Execute(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 600;
        cmd.ExecuteNonQuery();
    }

    private static string SqliteSize(string dbPath)
    {
        var bytes = new FileInfo(dbPath).Length + (File.Exists(dbPath + "-wal") ? new FileInfo(dbPath + "-wal").Length : 0);
        return string.Create(Inv, $"db size {bytes / 1048576.0:F0} MiB (vigie.db + wal)");
    }

    private static async Task<string> PostgresSizeAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT pg_database_size(current_database()), pg_relation_size('incidents'), pg_indexes_size('incidents')", conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return string.Create(Inv,
            $"db size {reader.GetInt64(0) / 1048576.0:F0} MiB (incidents heap {reader.GetInt64(1) / 1048576.0:F0} MiB, its indexes {reader.GetInt64(2) / 1048576.0:F0} MiB)");
    }

    // ---------------------------------------------------------------- facts, token

    private sealed record Facts(int Incidents, List<(Guid Id, int Count)> Constituents);

    private static async Task<Facts> ReadFactsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var total = await db.Incidents.CountAsync();
        var perConstituent = await db.Incidents.Where(i => i.ConstituentId != null)
            .GroupBy(i => i.ConstituentId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        return new Facts(total, [.. perConstituent.OrderByDescending(x => x.Count).Select(x => (x.Key, x.Count))]);
    }

    /// <summary>An admin user (role admin, scope admin passes every policy) and a fresh token for this run.</summary>
    private static async Task<string> CreateTokenAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == BenchUser);
        if (user is null)
        {
            user = new User
            {
                Id = Guid.CreateVersion7(SeedClock),
                Email = BenchUser,
                FullName = "Benchmark",
                Role = UserRole.Admin,
                PasswordHash = "!",
                CreatedAt = SeedClock,
            };
            db.Users.Add(user);
        }
        else
        {
            await db.ApiTokens.Where(t => t.UserId == user.Id).ExecuteDeleteAsync();
        }
        var token = ApiTokens.NewToken();
        db.ApiTokens.Add(new ApiToken
        {
            Id = Guid.CreateVersion7(SeedClock),
            UserId = user.Id,
            Name = "incidents-list bench",
            Prefix = ApiTokens.DisplayPrefix(token),
            Hash = ApiTokens.Hash(token),
            Scope = TokenScope.Admin,
            CreatedAt = SeedClock,
        });
        await db.SaveChangesAsync();
        return token;
    }

    // ---------------------------------------------------------------- scenarios

    private sealed record Scenario(string Name, List<string> Urls);

    private static async Task<List<Scenario>> BuildScenariosAsync(HttpClient http, Facts facts)
    {
        var c = facts.Constituents;
        var busiest = c[0];
        var mid = c[Math.Min(20, c.Count - 1)];
        var small = c[Math.Min(150, c.Count - 1)];
        const string Base = "/api/v1/incidents?limit=50";
        var firstPages = new List<(string Name, string Url, bool Deep)>
        {
            ("no filter", Base, true),
            ("state=open", Base + "&state=open", true),
            ("state=closed", Base + "&state=closed", true),
            ("queue: state=new,triage,open,contained", Base + "&state=new&state=triage&state=open&state=contained", false),
            ("class=fraud", Base + "&class=fraud", true),
            ("class=test (rare)", Base + "&class=test", false),
            (string.Create(Inv, $"constituent=busiest ({busiest.Count})"), Base + $"&constituent={busiest.Id}", true),
            (string.Create(Inv, $"constituent=small ({small.Count})"), Base + $"&constituent={small.Id}", false),
            ("tlp=TLP:RED", Base + "&tlp=TLP:RED", false),
            ("state=open&class=information-gathering", Base + "&state=open&class=information-gathering", true),
            ("constituent=busiest&state=open", Base + $"&constituent={busiest.Id}&state=open", true),
            // Fewer than a page match: the whole range of the chosen index is walked to prove there is no more.
            ("constituent=busiest&state=triage (< 1 page)", Base + $"&constituent={busiest.Id}&state=triage", false),
            (string.Create(Inv, $"constituent=mid ({mid.Count})&state=closed&tlp=TLP:AMBER"), Base + $"&constituent={mid.Id}&state=closed&tlp=TLP:AMBER", false),
        };

        var scenarios = new List<Scenario>();
        var deep = new List<Scenario>();
        foreach (var (name, url, follow) in firstPages)
        {
            var (items, next) = await FetchAsync(http, url);
            if (items == 0)
            {
                throw new InvalidOperationException($"incidents-list: '{name}' returned no incident; the seed or the filter is wrong.");
            }
            scenarios.Add(new Scenario(name, [url]));
            if (!follow)
            {
                continue;
            }
            var pages = new List<string>();
            for (var page = 2; page <= 5 && next is not null; page++)
            {
                var pageUrl = url + "&cursor=" + next;
                pages.Add(pageUrl);
                (_, next) = await FetchAsync(http, pageUrl);
            }
            deep.Add(new Scenario(name + ", pages 2–5", pages));
        }
        scenarios.AddRange(deep);
        return scenarios;
    }

    private static async Task<(int Items, string? Next)> FetchAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        }
        using var doc = JsonDocument.Parse(body);
        var next = doc.RootElement.GetProperty("nextCursor");
        return (doc.RootElement.GetProperty("items").GetArrayLength(), next.ValueKind == JsonValueKind.String ? next.GetString() : null);
    }

    // ---------------------------------------------------------------- measurement

    private static async Task<int> MeasureAsync(HttpClient http, List<Scenario> scenarios, Options o)
    {
        var turns = new int[scenarios.Count];
        async Task<(int Scenario, double Ms)> SendAsync(int i)
        {
            var s = i % scenarios.Count;
            var urls = scenarios[s].Urls;
            var url = urls[turns[s]++ % urls.Count];
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead);
            clock.Stop();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode}");
            }
            return (s, clock.Elapsed.TotalMilliseconds);
        }

        for (var i = 0; i < o.Warmup; i++)
        {
            await SendAsync(i);
        }
        Array.Clear(turns);

        var all = new List<double>(o.Requests);
        var per = scenarios.Select(_ => new List<double>()).ToArray();
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < o.Requests; i++)
        {
            var (s, ms) = await SendAsync(i);
            all.Add(ms);
            per[s].Add(ms);
        }
        wall.Stop();

        var width = scenarios.Max(s => s.Name.Length);
        Console.WriteLine(string.Create(Inv, $"{"filter".PadRight(width)}  {"n",5}  {"p50 ms",7}  {"p99 ms",7}  {"max ms",7}"));
        for (var s = 0; s < scenarios.Count; s++)
        {
            var v = per[s];
            Console.WriteLine(string.Create(Inv,
                $"{scenarios[s].Name.PadRight(width)}  {v.Count,5}  {Percentile(v, 0.50),7:F1}  {Percentile(v, 0.99),7:F1}  {v.Max(),7:F1}"));
        }
        Console.WriteLine(string.Create(Inv,
            $"{o.Requests} requests in {wall.Elapsed.TotalSeconds:F1} s ({o.Requests / wall.Elapsed.TotalSeconds:F0} req/s, one client, sequential), warm-up {o.Warmup}; max {all.Max():F1} ms"));
        Console.WriteLine(string.Create(Inv, $"incidents-list: p50 {Percentile(all, 0.50):F1} ms, p99 {Percentile(all, 0.99):F1} ms"));
        return 0;
    }

    /// <summary>Nearest-rank percentile.</summary>
    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    // ---------------------------------------------------------------- query plans

    /// <summary>
    /// Captures the SQL (and parameters) EF sends for each scenario's first URL, through EF's
    /// DiagnosticListener, and prints the database's plan for exactly that statement.
    /// </summary>
    private static async Task ExplainAsync(HttpClient http, List<Scenario> scenarios, string cs, bool postgres)
    {
        using var capture = new CommandCapture();
        using var subscription = DiagnosticListener.AllListeners.Subscribe(capture);
        await using DbConnection conn = postgres ? new NpgsqlConnection(cs) : new SqliteConnection(cs);
        await conn.OpenAsync();
        var sqlShown = false;
        foreach (var s in scenarios)
        {
            capture.Clear();
            await FetchAsync(http, s.Urls[^1]); // deepest page: the most rows skipped
            if (capture.Captured is not { } command)
            {
                Console.WriteLine($"-- {s.Name}: no incidents query captured");
                continue;
            }
            if (!sqlShown)
            {
                Console.WriteLine("-- SQL (no filter):");
                Console.WriteLine(command.Text);
                sqlShown = true;
            }
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = (postgres ? "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " : "EXPLAIN QUERY PLAN ") + command.Text;
            foreach (var p in command.Parameters)
            {
                cmd.Parameters.Add(p);
            }
            Console.WriteLine($"-- plan: {s.Name}  [{string.Join(", ", command.Parameters.Select(p => $"{p.ParameterName}={Show(p.Value)}"))}]");
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                Console.WriteLine(postgres ? "   " + reader.GetString(0) : "   " + reader.GetString(3));
            }
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => s,
        System.Collections.IEnumerable e => "[" + string.Join(",", e.Cast<object?>().Select(Show)) + "]",
        IFormattable f => f.ToString(null, Inv),
        _ => value.ToString() ?? "",
    };

    private sealed record CapturedCommand(string Text, List<DbParameter> Parameters);

    private sealed class CommandCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> _subscriptions = [];

        public CapturedCommand? Captured { get; private set; }

        public void Clear() => Captured = null;

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                _subscriptions.Add(value.Subscribe(this));
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key != RelationalEventId.CommandExecuting.Name || value.Value is not CommandEventData data
                || !(data.Command.CommandText.Contains("FROM \"incidents\"", StringComparison.Ordinal) // SQLite quotes it,
                    || data.Command.CommandText.Contains("FROM incidents ", StringComparison.Ordinal)))  // Npgsql does not
            {
                return;
            }
            var parameters = new List<DbParameter>();
            foreach (DbParameter p in data.Command.Parameters)
            {
                parameters.Add(p switch
                {
                    NpgsqlParameter np => np.Clone(),
                    SqliteParameter sp => new SqliteParameter(sp.ParameterName, sp.Value) { SqliteType = sp.SqliteType, Size = sp.Size },
                    _ => throw new NotSupportedException(p.GetType().Name),
                });
            }
            Captured = new CapturedCommand(data.Command.CommandText, parameters);
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            foreach (var s in _subscriptions)
            {
                s.Dispose();
            }
        }
    }

    // ---------------------------------------------------------------- data for the generator

    /// <summary>Weighted choice over fixed weights (cumulative table, binary search).</summary>
    private sealed class Picker(Random random, IEnumerable<double> weights)
    {
        private readonly double[] _cumulative = Accumulate(weights);

        public int Next()
        {
            var i = Array.BinarySearch(_cumulative, random.NextDouble() * _cumulative[^1]);
            return Math.Min(i < 0 ? ~i : i + 1, _cumulative.Length - 1);
        }

        private static double[] Accumulate(IEnumerable<double> weights)
        {
            var sum = 0.0;
            return [.. weights.Select(w => sum += w)];
        }
    }

    // Shares seen in a national/sector CSIRT's ticketing: scanning, phishing/fraud, malware, vulnerable services dominate.
    private static readonly Dictionary<string, double> ClassWeights = new(StringComparer.Ordinal)
    {
        ["abusive-content"] = 12,
        ["malicious-code"] = 14,
        ["information-gathering"] = 18,
        ["intrusion-attempts"] = 12,
        ["intrusions"] = 5,
        ["availability"] = 5,
        ["information-content-security"] = 3,
        ["fraud"] = 16,
        ["vulnerable"] = 12,
        ["other"] = 2.5,
        ["test"] = 0.5,
    };

    private static readonly string[] OrgNames =
    [
        "Hôpital régional", "Mairie", "Conseil départemental", "Université", "Lycée", "Transports urbains",
        "Régie des eaux", "Syndicat d'énergie", "Centre de gestion", "Communauté d'agglomération",
    ];

    private static readonly string[] Analysts =
    [
        "a.martin@csirt.invalid", "b.bernard@csirt.invalid", "c.dubois@csirt.invalid", "d.thomas@csirt.invalid",
        "e.robert@csirt.invalid", "f.richard@csirt.invalid", "g.petit@csirt.invalid", "h.durand@csirt.invalid",
        "i.leroy@csirt.invalid", "j.moreau@csirt.invalid", "k.simon@csirt.invalid", "l.laurent@csirt.invalid",
    ];

    private static readonly string[] Subjects =
    [
        "Shadowserver feed", "CERT-FR", "a partner CSIRT", "the constituent's SOC", "an abuse mailbox",
        "a user report", "the honeypot network", "a registrar", "an ISP abuse desk", "the EDR console",
    ];

    private static readonly string[] Notes =
    [
        "The owner was notified and asked to confirm remediation.",
        "Indicators shared with the constituent under the stated TLP.",
        "Logs requested for the period around first sight; awaiting the export.",
        "Credentials reset by the constituent; no lateral movement observed so far.",
        "Service exposed to the Internet without authentication; the vendor advisory applies.",
        "Takedown requested from the hosting provider.",
    ];
}
