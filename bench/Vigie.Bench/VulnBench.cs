using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Vulnerabilities;
using Vigie.Core.Vulnerabilities.Matching;
using Vigie.Data;
using Vigie.Features.Vulnerabilities;

namespace Vigie.Bench;

/// <summary>
/// Vulnerability watch at scale (docs/performance.md, issue 8 targets):
/// <c>match</c> — the core matcher alone: 300,000 CVE-like rule sets against 50,000 inventory products over 500
/// constituents (full rematch time, one-CVE latency, peak working set);
/// <c>vulns-import</c> — 300,000 generated CVE JSON 5 records in a cvelistV5-shaped zip imported through
/// <see cref="VulnerabilityImport"/> into SQLite (or PostgreSQL with --postgres), records/s and peak working set.
/// The data is synthetic but shaped like the real feeds: vendor/product names, CPE 2.3 for half the entries,
/// semver ranges per branch, some exact versions, a vocabulary of 20,000 products.
/// </summary>
public static class VulnBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const int Products = 20_000;

    private static string Vendor(int p) => $"vendor{p % 4_000}";

    private static string Product(int p) => $"product{p}";

    /// <summary>The affected entries of synthetic CVE number <paramref name="n"/> (1–3 products, 1–3 branches each).</summary>
    private static List<(int Product, List<(string Start, string End)> Ranges, bool Cpe)> Affected(int n)
    {
        var random = new Random(n);
        var result = new List<(int, List<(string, string)>, bool)>();
        for (var a = 0; a < 1 + random.Next(3); a++)
        {
            var product = random.Next(Products);
            var ranges = new List<(string, string)>();
            for (var b = 0; b < 1 + random.Next(3); b++)
            {
                var major = random.Next(1, 12);
                ranges.Add(($"{major}.0.0", $"{major}.{random.Next(0, 20)}.{random.Next(1, 30)}"));
            }
            result.Add((product, ranges, random.Next(2) == 0));
        }
        return result;
    }

    private static IReadOnlyList<AffectedRule> Rules(int n) =>
        [.. Affected(n).Select((a, i) => new AffectedRule(
            new ProductSelector(Vendor(a.Product), Product(a.Product),
                a.Cpe ? [$"cpe:2.3:a:{Vendor(a.Product)}:{Product(a.Product)}:*:*:*:*:*:*:*:*"] : []),
            [.. a.Ranges.Select(r => new VersionRange(AffectedStatus.Affected, r.Start, r.End, null, "semver"))],
            AffectedStatus.Unaffected, $"cna affected[{i}]"))];

    private static List<InventoryProduct> Inventory(int items, int constituents)
    {
        var random = new Random(42);
        var orgs = Enumerable.Range(0, constituents).Select(_ => Guid.NewGuid()).ToArray();
        return [.. Enumerable.Range(0, items).Select(i =>
        {
            var p = random.Next(Products);
            var version = $"{random.Next(1, 12)}.{random.Next(0, 20)}.{random.Next(0, 30)}";
            var withCpe = random.Next(3) == 0;
            return new InventoryProduct(Guid.NewGuid(), orgs[random.Next(orgs.Length)], Vendor(p), Product(p), version,
                withCpe ? $"cpe:2.3:a:{Vendor(p)}:{Product(p)}:{version}:*:*:*:*:*:*:*" : null, null);
        })];
    }

    public static int Match(string[] args)
    {
        int cves = 300_000, items = 50_000, constituents = 500;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--cves": cves = int.Parse(args[++i], Inv); break;
                case "--items": items = int.Parse(args[++i], Inv); break;
                default:
                    Console.Error.WriteLine("usage: match [--cves N] [--items N]");
                    return 2;
            }
        }
        var clock = Stopwatch.StartNew();
        var rules = new IReadOnlyList<AffectedRule>[cves];
        for (var n = 0; n < cves; n++)
        {
            rules[n] = Rules(n);
        }
        var inventory = Inventory(items, constituents);
        Console.WriteLine($"generated {cves:N0} rule sets ({rules.Sum(r => r.Count):N0} rules) and {items:N0} products in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        var index = new InventoryIndex(inventory);
        var built = clock.Elapsed;
        clock.Restart();
        long matches = 0;
        for (var n = 0; n < cves; n++)
        {
            matches += index.Match(rules[n]).Count;
        }
        var full = clock.Elapsed;
        Console.WriteLine($"full rematch: index built in {built.TotalMilliseconds:F0} ms, {cves:N0} CVEs × {items:N0} products in {full.TotalSeconds:F2} s "
            + $"({matches:N0} matches, {cves / full.TotalSeconds:N0} CVEs/s)");

        var sample = Math.Min(cves, 20_000);
        var latency = new double[sample];
        for (var s = 0; s < sample; s++)
        {
            var rule = rules[(s * 7919) % cves];
            var started = Stopwatch.GetTimestamp();
            index.Match(rule);
            latency[s] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(latency);
        Console.WriteLine($"one new CVE against all inventories: p50 {latency[sample / 2]:F4} ms, p99 {latency[(int)(sample * 0.99)]:F4} ms, max {latency[^1]:F3} ms");
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"peak working set {process.PeakWorkingSet64 / (1 << 20):N0} MiB");
        return 0;
    }

    public static async Task<int> ImportAsync(string[] args)
    {
        var records = 300_000;
        string? postgres = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--records": records = int.Parse(args[++i], Inv); break;
                case "--postgres": postgres = args[++i]; break;
                default:
                    Console.Error.WriteLine("usage: vulns-import [--records N] [--postgres CONNECTION-STRING]");
                    return 2;
            }
        }
        var work = Path.Combine(Path.GetTempPath(), "vigie-vulns-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var zip = Path.Combine(work, "cvelistV5.zip");
            var clock = Stopwatch.StartNew();
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            {
                for (var n = 0; n < records; n++)
                {
                    var id = $"CVE-{2000 + (n / 50_000)}-{10_000 + (n % 50_000)}";
                    var entry = archive.CreateEntry($"cvelistV5-main/cves/{id[4..8]}/{id[9..^3]}xxx/{id}.json", CompressionLevel.Fastest);
                    await using var stream = entry.Open();
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(Record(n, id)));
                }
            }
            Console.WriteLine($"generated {records:N0} CVE 5 records ({new FileInfo(zip).Length / (1 << 20):N0} MiB zipped) in {clock.Elapsed.TotalSeconds:F1} s");

            var overrides = new Dictionary<string, string?>
            {
                ["Vigie:DataDirectory"] = work,
                ["Vigie:Database:Provider"] = postgres is null ? "Sqlite" : "Postgres",
                ["Vigie:Database:ConnectionString"] = postgres,
                ["Vigie:Database:MigrateOnStart"] = "true",
                ["Vigie:Smtp:Enabled"] = "false",
                ["Vigie:Intake:WorkerEnabled"] = "false",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            var app = Vigie.VigieHost.BuildApp(Vigie.VigieHost.CreateBuilder([], overrides));
            await DbCommands.MigrateOnStartAsync(app, CancellationToken.None);
            await using var scope = app.Services.CreateAsyncScope();
            var import = scope.ServiceProvider.GetRequiredService<VulnerabilityImport>();
            clock.Restart();
            var result = await import.ImportAsync(zip, FeedFormat.Auto, null, CancellationToken.None);
            var elapsed = clock.Elapsed;
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"import into {(postgres is null ? "SQLite (WAL)" : "PostgreSQL")}: {result.Read:N0} records ({result.New:N0} facts new, {result.Rejected.Count} rejected) "
                + $"in {elapsed.TotalSeconds:F1} s = {result.Read / elapsed.TotalSeconds:N0} records/s; peak working set {process.PeakWorkingSet64 / (1 << 20):N0} MiB");
            clock.Restart();
            var again = await import.ImportAsync(zip, FeedFormat.Auto, null, CancellationToken.None);
            Console.WriteLine($"re-import of the same zip (all unchanged: {again.Unchanged:N0}) in {clock.Elapsed.TotalSeconds:F1} s");

            // The stored facts against 50,000 inventory items of 500 constituents: the server's full rematch
            // (facts read back from the database, matches, priorities and alerts written).
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var now = TimeProvider.System.GetUtcNow();
            var constituents = Enumerable.Range(0, 500).Select(i => Vigie.Core.Constituents.Constituent.Create($"Bench constituent {i}",
                Vigie.Core.Constituents.ConstituentKind.Client, null, null, now).Value!).ToList();
            db.AddRange(constituents);
            var inventory = Inventory(50_000, 500);
            for (var i = 0; i < inventory.Count; i++)
            {
                var p = inventory[i];
                db.Add(new Vigie.Features.Inventory.InventoryItem
                {
                    Id = p.Id, ConstituentId = constituents[i % 500].Id, Vendor = p.Vendor, Product = p.Product, Version = p.Version, Cpe = p.Cpe,
                    CreatedAt = now, UpdatedAt = now, UpdatedBy = "bench",
                });
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            clock.Restart();
            var rematch = await scope.ServiceProvider.GetRequiredService<Vigie.Features.Watch.WatchService>().RematchAsync(null, CancellationToken.None);
            Console.WriteLine($"full rematch from the database: {rematch.Vulnerabilities:N0} CVEs × {rematch.Products:N0} products → {rematch.Matches:N0} matches, "
                + $"{rematch.Alerts:N0} alerts in {clock.Elapsed.TotalSeconds:F1} s");
            clock.Restart();
            process.Refresh();
            var second = await scope.ServiceProvider.GetRequiredService<Vigie.Features.Watch.WatchService>().RematchAsync(null, CancellationToken.None);
            process.Refresh();
            Console.WriteLine($"second full rematch (matches exist, nothing new: {second.New}) in {clock.Elapsed.TotalSeconds:F1} s; "
                + $"peak working set {process.PeakWorkingSet64 / (1 << 20):N0} MiB");
            await app.DisposeAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Record(int n, string id)
    {
        var affected = string.Join(",", Affected(n).Select(a =>
        {
            var versions = string.Join(",", a.Ranges.Select(r => $$"""{"version":"{{r.Start}}","lessThan":"{{r.End}}","status":"affected","versionType":"semver"}"""));
            var cpes = a.Cpe ? $$""","cpes":["cpe:2.3:a:{{Vendor(a.Product)}}:{{Product(a.Product)}}:*:*:*:*:*:*:*:*"]""" : "";
            return $$"""{"vendor":"{{Vendor(a.Product)}}","product":"{{Product(a.Product)}}","defaultStatus":"unaffected","versions":[{{versions}}]{{cpes}}}""";
        }));
        var score = ((n * 37) % 100) / 10.0;
        return $$$"""
            {"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"{{{id}}}","assignerOrgId":"00000000-0000-4000-8000-000000000000","state":"PUBLISHED","assignerShortName":"bench","dateReserved":"2024-01-01T00:00:00.000Z","datePublished":"2024-02-01T00:00:00.000Z","dateUpdated":"2024-03-01T00:00:00.000Z"},
             "containers":{"cna":{"providerMetadata":{"orgId":"00000000-0000-4000-8000-000000000000","shortName":"bench"},
               "descriptions":[{"lang":"en","value":"A synthetic flaw number {{{n}}} in a product, for the import benchmark: a buffer overflow lets a remote attacker run code."}],
               "affected":[{{{affected}}}],
               "metrics":[{"format":"CVSS","cvssV3_1":{"version":"3.1","baseScore":{{{score.ToString("0.0", Inv)}}},"baseSeverity":"HIGH","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
               "problemTypes":[{"descriptions":[{"cweId":"CWE-787","lang":"en","description":"CWE-787 Out-of-bounds Write","type":"CWE"}]}],
               "references":[{"url":"https://example.invalid/advisories/{{{n}}}"}]
            """ + "}}}";
    }
}
