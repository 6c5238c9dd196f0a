using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Vigie.Core.Constituents;
using Vigie.Core.Incidents;
using Vigie.Core.Observables;
using Vigie.Data;
using Vigie.Features.Identity;

namespace Vigie.Bench;

/// <summary>
/// Server render time of the analyst's pages over a large history (docs/performance.md, "Workspace"):
/// 100,000 incidents and 1,000,000 reports with their observables, the real host on a loopback
/// socket, a person signed in with the workspace cookie (an analyst: the TLP:RED rule applies),
/// sequential requests cycling over the pages and search queries; p50/p95/p99 per scenario.
/// </summary>
public static partial class WorkspaceBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const int GeneratorVersion = 2;
    private const string Password = "bench-password-0123";
    private const double PageTarget = 100;
    private const double SearchTarget = 200;

    private sealed record Options(bool Postgres, string? ConnectionString, int Incidents, int Reports, int Requests, int Warmup, bool Reseed, string DataRoot);

    private sealed record Scenario(string Name, string Url, bool IsSearch);

    public static async Task<int> RunAsync(string[] args)
    {
        if (Parse(args) is not { } o)
        {
            return 2;
        }
        var dataDir = Path.Combine(o.DataRoot, o.Postgres ? "workspace-postgres" : "workspace-sqlite");
        Directory.CreateDirectory(dataDir);
        var dbPath = Path.Combine(dataDir, "vigie.db");
        var markerPath = Path.Combine(dataDir, "seed.txt");
        var marker = string.Create(Inv, $"vigie-bench workspace v{GeneratorVersion} {o.Incidents} {o.Reports}");
        string? cs = null;
        var reuse = false;
        if (o.Postgres)
        {
            cs = await PostgresDatabaseAsync(o.ConnectionString!, marker, o.Reseed);
            reuse = await ReadMarkerAsync(cs) == marker;
        }
        else
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
            ["Vigie:Database:Provider"] = o.Postgres ? "Postgres" : "Sqlite",
            ["Vigie:Database:ConnectionString"] = cs,
            ["Vigie:Smtp:Enabled"] = "false",
            ["Vigie:Intake:WorkerEnabled"] = "false",
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        };
        // The host's static assets manifest is named after the vigie assembly, not this one.
        var builder = VigieHost.CreateBuilder(["--applicationName", "vigie"], overrides);
        await using var app = VigieHost.BuildApp(builder);
        await DataSetup.MigrateAsync(app.Services);

        var clock = Stopwatch.StartNew();
        if (!reuse)
        {
            var constituents = await SeedConstituentsAsync(app.Services, cs);
            var seed = new WorkspaceSeed(o.Incidents, o.Reports, constituents);
            if (o.Postgres)
            {
                await seed.WritePostgresAsync(cs!);
                await using var conn = new NpgsqlConnection(cs);
                await conn.OpenAsync();
                await WorkspaceSeed.ExecuteAsync(conn, $"COMMENT ON TABLE incidents IS '{marker}'");
            }
            else
            {
                seed.WriteSqlite(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ToString());
                File.WriteAllText(markerPath, marker + "\n");
            }
        }
        clock.Stop();
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        await EnsureUserAsync(app.Services);
        await SlaFactsAsync(app.Services);
        var size = o.Postgres ? await PostgresSizeAsync(cs!) : SqliteSize(dbPath);

        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var cookies = new CookieContainer();
            using var http = new HttpClient(new SocketsHttpHandler
            {
                CookieContainer = cookies,
                AllowAutoRedirect = false,
                MaxConnectionsPerServer = 1,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                UseProxy = false,
            })
            { BaseAddress = new Uri(address) };
            await SignInAsync(http);

            var counts = await CountsAsync(app.Services);
            Console.WriteLine(string.Create(Inv,
                $"provider {(o.Postgres ? "postgres" : "sqlite")}; incidents {counts.Incidents:N0}; reports {counts.Reports:N0}; " +
                $"incident observables {counts.IncidentObservables:N0}; report observables {counts.ReportObservables:N0}; " +
                $"seed {(reuse ? "reused" : $"{clock.Elapsed.TotalSeconds:F0} s")}; {size}"));

            var scenarios = await ScenariosAsync(app.Services, http);
            return await MeasureAsync(http, scenarios, o);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static Options? Parse(string[] args)
    {
        var o = new Options(false, null, 100_000, 1_000_000, 100, 10, false, DefaultDataRoot());
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--provider" when i + 1 < args.Length:
                    o = o with { Postgres = args[++i].Equals("postgres", StringComparison.OrdinalIgnoreCase) };
                    break;
                case "--postgres" when i + 1 < args.Length:
                    o = o with { Postgres = true, ConnectionString = args[++i] };
                    break;
                case "--incidents" when i + 1 < args.Length:
                    o = o with { Incidents = int.Parse(args[++i], Inv) };
                    break;
                case "--reports" when i + 1 < args.Length:
                    o = o with { Reports = int.Parse(args[++i], Inv) };
                    break;
                case "--requests" when i + 1 < args.Length:
                    o = o with { Requests = int.Parse(args[++i], Inv) };
                    break;
                case "--warmup" when i + 1 < args.Length:
                    o = o with { Warmup = int.Parse(args[++i], Inv) };
                    break;
                case "--data-dir" when i + 1 < args.Length:
                    o = o with { DataRoot = args[++i] };
                    break;
                case "--reseed":
                    o = o with { Reseed = true };
                    break;
                default:
                    Console.Error.WriteLine($"workspace: unknown argument '{args[i]}' (use [--provider sqlite|postgres] [--postgres CONNSTRING] " +
                        "[--incidents N] [--reports N] [--requests N per scenario] [--warmup N] [--reseed] [--data-dir DIR])");
                    return null;
            }
        }
        if (o.Postgres && o.ConnectionString is null)
        {
            o = o with { ConnectionString = Environment.GetEnvironmentVariable("VIGIE_BENCH_POSTGRES") ?? Environment.GetEnvironmentVariable("VIGIE_TEST_POSTGRES") };
            if (o.ConnectionString is null)
            {
                Console.Error.WriteLine("workspace: --provider postgres needs --postgres CONNSTRING or VIGIE_BENCH_POSTGRES/VIGIE_TEST_POSTGRES.");
                return null;
            }
        }
        if (o.Incidents < 1000 || o.Reports < o.Incidents || o.Requests < 1)
        {
            Console.Error.WriteLine("workspace: --incidents ≥ 1000, --reports ≥ incidents, --requests ≥ 1.");
            return null;
        }
        return o;
    }

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

    /// <summary>
    /// A database of its own (vigie_bench_workspace) on the server named: kept when it holds this
    /// generator's data, otherwise dropped and created afresh (so a seed that broke half-way, with
    /// its indexes dropped, never passes for a good one).
    /// </summary>
    private static async Task<string> PostgresDatabaseAsync(string cs, string marker, bool reseed)
    {
        const string Name = "vigie_bench_workspace";
        var target = new NpgsqlConnectionStringBuilder(cs) { Database = Name, CommandTimeout = 3600 }.ToString();
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", conn);
        exists.Parameters.AddWithValue("n", Name);
        if (await exists.ExecuteScalarAsync() is not null)
        {
            if (!reseed && await ReadMarkerAsync(target) == marker)
            {
                return target;
            }
            NpgsqlConnection.ClearAllPools();
            await WorkspaceSeed.ExecuteAsync(conn, $"DROP DATABASE {Name} WITH (FORCE)");
        }
        await WorkspaceSeed.ExecuteAsync(conn, $"CREATE DATABASE {Name}");
        return target;
    }

    private static async Task<string?> ReadMarkerAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT obj_description(to_regclass('incidents'), 'pg_class')", conn);
        return await cmd.ExecuteScalarAsync() as string;
    }

    /// <summary>200 constituents (a /24 of the address pool and a domain each), through EF.</summary>
    private static async Task<List<Guid>> SeedConstituentsAsync(IServiceProvider services, string? postgres)
    {
        if (postgres is not null)
        {
            await using var conn = new NpgsqlConnection(postgres);
            await conn.OpenAsync();
            await WorkspaceSeed.ExecuteAsync(conn, "TRUNCATE incidents, reports, constituents, users CASCADE");
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var ids = new List<Guid>();
        for (var i = 0; i < 200; i++)
        {
            var kind = i % 7 == 0 ? ConstituentKind.Internal : i % 11 == 0 ? ConstituentKind.Partner : ConstituentKind.Client;
            var contract = kind == ConstituentKind.Client
                ? new Contract { Reference = string.Create(Inv, $"CTR-{i:D4}"), Tier = i % 3 == 0 ? "gold" : "standard", OnSiteSupport = i % 3 == 0 }
                : null;
            var c = Constituent.Create(string.Create(Inv, $"Bénéficiaire {i:D3}"), kind, contract, null, WorkspaceSeed.Start.AddDays(i)).Value!;
            c.AddScope(ScopeKind.Cidr, WorkspaceSeed.Networks[i] + ".0/24", WorkspaceSeed.Start);
            c.AddScope(ScopeKind.Domain, string.Create(Inv, $"beneficiaire{i:D3}.example"), WorkspaceSeed.Start);
            c.AddContact("SOC", string.Create(Inv, $"soc@beneficiaire{i:D3}.example"), ContactRole.Security, null, null, WorkspaceSeed.Start);
            db.Constituents.Add(c);
            ids.Add(c.Id);
        }
        await db.SaveChangesAsync();
        return ids;
    }

    private static async Task EnsureUserAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        if (await db.Users.AnyAsync(u => u.Email == WorkspaceSeed.BenchUser))
        {
            return;
        }
        var user = new User
        {
            Id = Guid.CreateVersion7(WorkspaceSeed.End),
            Email = WorkspaceSeed.BenchUser,
            FullName = "Bench Analyst",
            Role = UserRole.Analyst,
            CreatedAt = WorkspaceSeed.End,
        };
        user.PasswordHash = new PasswordHasher<User>().HashPassword(user, Password);
        db.Users.Add(user);
        await db.SaveChangesAsync();
    }

    /// <summary>Signs in through the real form (antiforgery token, then the workspace cookie).</summary>
    private static async Task SignInAsync(HttpClient http)
    {
        var form = await http.GetStringAsync("/signin");
        var token = TokenField().Match(form).Groups[1].Value;
        var handler = HandlerField().Match(form).Groups[1].Value;
        using var post = await http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["_handler"] = WebUtility.HtmlDecode(handler),
            ["Input.Email"] = WorkspaceSeed.BenchUser,
            ["Input.Password"] = Password,
            ["Input.ReturnUrl"] = "/",
        }));
        using var check = await http.GetAsync("/incidents");
        if (check.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"workspace: sign-in failed (POST {(int)post.StatusCode}, GET /incidents {(int)check.StatusCode}).");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("name=\"_handler\" value=\"([^\"]+)\"")]
    private static partial Regex HandlerField();

    private sealed record Counts(int Incidents, int Reports, int IncidentObservables, int ReportObservables);

    private static async Task<Counts> CountsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        return new Counts(await db.Incidents.CountAsync(), await db.Reports.CountAsync(),
            await db.IncidentObservables.CountAsync(), await db.ReportObservables.CountAsync());
    }

    /// <summary>The pages and queries, picked from the data: a mid-history incident the analyst may see, and its indicators.</summary>
    /// <summary>
    /// The seed writes incidents without SLA facts, as an installation from before issue 5 has them: the
    /// backfill computes them (timed), then one sweep looks for breaches to record (timed).
    /// </summary>
    private static async Task SlaFactsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var sla = scope.ServiceProvider.GetRequiredService<Vigie.Features.Sla.SlaService>();
        var clock = Stopwatch.StartNew();
        var filled = await sla.BackfillAsync(500, CancellationToken.None);
        var backfill = clock.Elapsed;
        clock.Restart();
        var recorded = await sla.SweepAsync(CancellationToken.None);
        Console.WriteLine(string.Create(Inv,
            $"SLA backfill: {filled:N0} incidents in {backfill.TotalSeconds:F1} s; sweep: {recorded} breach(es) recorded in {clock.Elapsed.TotalMilliseconds:F0} ms"));
    }

    private static async Task<List<Scenario>> ScenariosAsync(IServiceProvider services, HttpClient http)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var total = await db.Incidents.CountAsync();
        // A mid-history incident with reports and observables, visible to an analyst (not TLP:RED).
        var mid = await db.Incidents.AsNoTracking().Where(i => i.Tlp != Tlp.Red)
            .OrderBy(i => i.Ordinal).Skip(total / 2)
            .Where(i => db.IncidentObservables.Count(o => o.IncidentId == i.Id) >= 2 && db.Reports.Count(r => r.IncidentId == i.Id) >= 5)
            .FirstAsync();
        var midReports = await db.Reports.CountAsync(r => r.IncidentId == mid.Id);
        async Task<string> Middle(ObservableKind kind)
        {
            var n = await db.IncidentObservables.CountAsync(o => o.Kind == kind);
            return await db.IncidentObservables.Where(o => o.Kind == kind).OrderBy(o => o.Id).Skip(n / 2).Select(o => o.Value).FirstAsync();
        }
        var ip = await Middle(ObservableKind.IPv4);
        var cidr = await Middle(ObservableKind.Cidr);
        var inside = cidr[..cidr.LastIndexOf('.')] + ".77";
        var hash = await Middle(ObservableKind.Sha256);
        var domain = WorkspaceSeed.Domains[1234];
        var rare = WorkspaceSeed.Families[200];

        var list = new List<Scenario>
        {
            new("/incidents (list, first page)", "/incidents", false),
            new($"/incidents/{mid.Number} ({midReports} reports)", $"/incidents/{mid.Number}", false),
            new("… ?tab=reports", $"/incidents/{mid.Number}?tab=reports", false),
            new("… ?tab=observables", $"/incidents/{mid.Number}?tab=observables", false),
            new("/incidents?sla=running&sort=due", "/incidents?sla=running&sort=due", false),
            new("/incidents?sla=late", "/incidents?sla=late", false),
            new("/sla (due-time calculator)", "/sla?receivedAt=2026-11-28T03%3A00&priority=P3", false),
        };
        using (var triage = await http.GetAsync("/triage"))
        {
            if (triage.StatusCode == HttpStatusCode.OK)
            {
                list.Add(new("/triage (queue)", "/triage", false));
            }
            else
            {
                Console.WriteLine($"/triage: not available (HTTP {(int)triage.StatusCode})");
            }
        }
        list.AddRange(
        [
            new($"search number {mid.Number}", "/search?q=" + mid.Number, true),
            new($"search IP {ip}", "/search?q=" + ip, true),
            new($"search hot IP {WorkspaceSeed.Address(0)}", "/search?q=" + WorkspaceSeed.Address(0), true),
            new($"search IP inside CIDR {inside}", "/search?q=" + inside, true),
            new($"search CIDR {cidr}", "/search?q=" + Uri.EscapeDataString(cidr), true),
            new($"search domain {domain}", "/search?q=" + domain, true),
            new($"search hash {hash[..12]}…", "/search?q=" + hash, true),
            new($"search text '{rare}'", "/search?q=" + rare, true),
            new("search text 'phishing banking'", "/search?q=phishing+banking", true),
        ]);
        foreach (var s in list)
        {
            using var response = await http.GetAsync(s.Url);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {s.Url}: {(int)response.StatusCode}");
            }
        }
        return list;
    }

    private static async Task<int> MeasureAsync(HttpClient http, List<Scenario> scenarios, Options o)
    {
        var times = scenarios.Select(_ => new List<double>()).ToArray();
        var wall = Stopwatch.StartNew();
        for (var round = 0; round < o.Warmup + o.Requests; round++)
        {
            for (var s = 0; s < scenarios.Count; s++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(scenarios[s].Url, HttpCompletionOption.ResponseContentRead);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"GET {scenarios[s].Url}: {(int)response.StatusCode}");
                }
                if (round >= o.Warmup)
                {
                    times[s].Add(ms);
                }
            }
        }
        wall.Stop();
        var width = scenarios.Max(s => s.Name.Length);
        Console.WriteLine(string.Create(Inv, $"{"page".PadRight(width)}  {"n",4}  {"p50 ms",7}  {"p95 ms",7}  {"p99 ms",7}  {"max ms",7}  target"));
        var pageWorst = 0.0;
        var searchWorst = 0.0;
        for (var s = 0; s < scenarios.Count; s++)
        {
            var v = times[s];
            var p95 = Percentile(v, 0.95);
            var target = scenarios[s].IsSearch ? SearchTarget : PageTarget;
            if (scenarios[s].IsSearch)
            {
                searchWorst = Math.Max(searchWorst, p95);
            }
            else
            {
                pageWorst = Math.Max(pageWorst, p95);
            }
            Console.WriteLine(string.Create(Inv,
                $"{scenarios[s].Name.PadRight(width)}  {v.Count,4}  {Percentile(v, 0.50),7:F1}  {p95,7:F1}  {Percentile(v, 0.99),7:F1}  {v.Max(),7:F1}  p95 ≤ {target:F0} {(p95 <= target ? "ok" : "MISSED")}"));
        }
        Console.WriteLine(string.Create(Inv,
            $"{(o.Warmup + o.Requests) * scenarios.Count} requests in {wall.Elapsed.TotalSeconds:F1} s (one client, sequential; warm-up {o.Warmup} rounds)"));
        Console.WriteLine(string.Create(Inv, $"workspace: pages worst p95 {pageWorst:F1} ms (target {PageTarget:F0}), search worst p95 {searchWorst:F1} ms (target {SearchTarget:F0})"));
        return 0;
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static string SqliteSize(string dbPath)
    {
        var bytes = new FileInfo(dbPath).Length + (File.Exists(dbPath + "-wal") ? new FileInfo(dbPath + "-wal").Length : 0);
        return string.Create(Inv, $"db size {bytes / 1048576.0:F0} MiB");
    }

    private static async Task<string> PostgresSizeAsync(string cs)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pg_database_size(current_database())", conn);
        var bytes = (long)(await cmd.ExecuteScalarAsync())!;
        return string.Create(Inv, $"db size {bytes / 1048576.0:F0} MiB");
    }
}
