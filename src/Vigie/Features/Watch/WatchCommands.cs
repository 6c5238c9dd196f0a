using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Spectre.Console;
using Vigie.Cli;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Inventory;
using Vigie.Features.Vulnerabilities;

namespace Vigie.Features.Watch;

/// <summary>
/// <c>vigie vulns import PATH | show CVE</c>, <c>vigie inventory import CONSTITUENT FILE | list CONSTITUENT</c>,
/// <c>vigie watch rematch | list</c> (docs/vulnerability-watch.md). Machine-readable lines on standard output,
/// explanations (in the reader's language) on standard error.
/// </summary>
public static class WatchCommands
{
    public static Command Vulns()
    {
        var path = new Argument<string>("PATH") { Description = "A file, a directory or a zip (cvelistV5 release): CVE 5 JSON, NVD 2.0 JSON, KEV JSON, EPSS CSV (.gz), CSAF 2.0 advisories." };
        var format = new Option<FeedFormat>("--format") { Description = "auto (default: recognised from each file's content), cve5, nvd, kev, epss or csaf.", DefaultValueFactory = _ => FeedFormat.Auto };
        var import = new Command("import", "Import vulnerability feeds, then rematch what changed against every inventory.") { path, format };
        import.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            var target = parse.GetValue(path)!;
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                return IdentityCommands.Fail(text["Path.Missing", target]);
            }
            var importer = scope.ServiceProvider.GetRequiredService<VulnerabilityImport>();
            ImportResult result;
            if (!Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            {
                result = await AnsiConsole.Progress().AutoClear(true).StartAsync(async progress =>
                {
                    var task = progress.AddTask("import").IsIndeterminate();
                    return await importer.ImportAsync(target, parse.GetValue(format), new Progress<ImportResult>(r => task.Description = $"{r.Read} read, {r.New} new"), ct);
                });
            }
            else
            {
                result = await importer.ImportAsync(target, parse.GetValue(format), null, ct);
            }
            foreach (var r in result.Rejected.Take(200))
            {
                await Console.Error.WriteLineAsync(text["Import.Rejected", r.Where, r.Reason]);
            }
            foreach (var w in result.Warnings.Take(200))
            {
                await Console.Error.WriteLineAsync(text["Import.Warning", w.Where, w.Reason]);
            }
            await Console.Error.WriteLineAsync(text["Import.Summary", result.Files, result.Read, result.New, result.Updated, result.Unchanged, result.Rejected.Count]);
            if (result.Changed.Count > 0)
            {
                var rematch = await scope.ServiceProvider.GetRequiredService<WatchService>().RematchAsync(result.Changed, ct);
                await Console.Error.WriteLineAsync(text["Import.Rematched", rematch.Vulnerabilities, rematch.Products, rematch.Matches, rematch.New, rematch.Alerts]);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"files={result.Files} read={result.Read} new={result.New} updated={result.Updated} unchanged={result.Unchanged} rejected={result.Rejected.Count}"));
            return 0;
        });

        var id = new Argument<string>("CVE") { Description = "A CVE id, e.g. CVE-2021-44228." };
        var show = new Command("show", "Show what the store knows about one CVE, per source.") { id };
        show.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            var wanted = parse.GetValue(id)!;
            if (await scope.ServiceProvider.GetRequiredService<VulnerabilityStore>().GetAsync(wanted, ct) is not { } d)
            {
                return IdentityCommands.Fail(text["Show.NotFound", wanted]);
            }
            var v = d.Summary;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{v.Id}\t{v.State.ToString().ToLowerInvariant()}\tcvss={v.Cvss?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-"}\tkev={(v.Kev ? v.KevDateAdded?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "no")}\tepss={v.Epss?.ToString("0.#####", CultureInfo.InvariantCulture) ?? "-"}"));
            Console.WriteLine(v.Title ?? v.Summary ?? "");
            foreach (var f in d.Facts)
            {
                Console.WriteLine($"{f.Source}\t{f.SourceVersion}\taffected={f.Affected.Count}\tmetrics={f.Metrics.Count}");
            }
            return 0;
        });
        return new Command("vulns", "The vulnerability store: import feeds, pull the configured ones, show a CVE (docs/vulnerability-watch.md).") { import, show, FeedCommands.Pull(), FeedCommands.Feeds() };
    }

    public static Command Inventory()
    {
        var constituent = new Argument<string>("CONSTITUENT") { Description = "The constituent's name or id." };
        var file = new Argument<FileInfo>("FILE") { Description = "A .csv, .json or CycloneDX SBOM (.json, .cdx.json)." };
        var format = new Option<string?>("--format") { Description = "csv, json or cyclonedx (default: from the extension)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every row, save nothing." };
        var import = new Command("import", "Import a constituent's inventory; valid rows are kept, each refused row is reported.") { constituent, file, format, dryRun };
        import.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            var input = parse.GetValue(file)!;
            if (!input.Exists)
            {
                return IdentityCommands.Fail(text["Path.Missing", input.FullName]);
            }
            if (await FindConstituentAsync(scope.ServiceProvider.GetRequiredService<VigieDb>(), parse.GetValue(constituent)!, ct) is not { } id)
            {
                return IdentityCommands.Fail(text["Inventory.NoConstituent", parse.GetValue(constituent)!]);
            }
            await using var content = input.OpenRead();
            var result = await scope.ServiceProvider.GetRequiredService<InventoryService>()
                .ImportAsync(id, input.Name, content, parse.GetValue(format), "cli", parse.GetValue(dryRun), ct);
            if (!result.IsSuccess)
            {
                return IdentityCommands.Fail(text["Inventory.Failed", result.Error!.Message]);
            }
            var r = result.Value!;
            var rows = scope.ServiceProvider.GetRequiredService<IStringLocalizer<InventoryText>>();
            foreach (var e in r.Errors)
            {
                await Console.Error.WriteLineAsync(text["Inventory.RowError", e.Where, InventoryText.Say(rows, e)]);
            }
            await Console.Error.WriteLineAsync(text["Inventory.Summary", r.Added, r.Updated, r.Errors.Count, parse.GetValue(dryRun) ? text["Inventory.DryRun"].Value : ""]);
            if (!parse.GetValue(dryRun))
            {
                var rematch = await scope.ServiceProvider.GetRequiredService<WatchService>().RematchAsync(null, ct);
                await Console.Error.WriteLineAsync(text["Import.Rematched", rematch.Vulnerabilities, rematch.Products, rematch.Matches, rematch.New, rematch.Alerts]);
            }
            Console.WriteLine($"added={r.Added} updated={r.Updated} refused={r.Errors.Count}");
            return r.Errors.Count == 0 ? 0 : 1;
        });

        var listed = new Argument<string>("CONSTITUENT") { Description = "The constituent's name or id." };
        var list = new Command("list", "List a constituent's inventory (tab-separated).") { listed };
        list.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            if (await FindConstituentAsync(db, parse.GetValue(listed)!, ct) is not { } id)
            {
                return IdentityCommands.Fail(text["Inventory.NoConstituent", parse.GetValue(listed)!]);
            }
            foreach (var i in await db.Set<InventoryItem>().AsNoTracking().Where(i => i.ConstituentId == id).OrderBy(i => i.Vendor).ThenBy(i => i.Product).ToListAsync(ct))
            {
                Console.WriteLine($"{i.Id}\t{i.Vendor}\t{i.Product}\t{i.Version}\t{i.Cpe}\t{i.Purl}\t{i.ToDto().Exposure}\t{i.ToDto().Criticality}");
            }
            return 0;
        });
        return new Command("inventory", "Constituents' inventories (docs/vulnerability-watch.md).") { import, list };
    }

    public static Command Watch()
    {
        var rematch = new Command("rematch", "Match every vulnerability against every inventory now (the server does it after each import or inventory change).");
        rematch.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            var r = await scope.ServiceProvider.GetRequiredService<WatchService>().RematchAsync(null, ct);
            await Console.Error.WriteLineAsync(text["Import.Rematched", r.Vulnerabilities, r.Products, r.Matches, r.New, r.Alerts]);
            Console.WriteLine($"vulnerabilities={r.Vulnerabilities} products={r.Products} matches={r.Matches} new={r.New} gone={r.Gone} alerts={r.Alerts}");
            return 0;
        });
        var constituent = new Option<string?>("--constituent") { Description = "Only this constituent (name or id)." };
        var list = new Command("list", "The watch list, highest priority first (tab-separated).") { constituent };
        list.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            Guid? id = null;
            if (parse.GetValue(constituent) is { } wanted)
            {
                id = await FindConstituentAsync(db, wanted, ct);
                if (id is null)
                {
                    return IdentityCommands.Fail(scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>()["Inventory.NoConstituent", wanted]);
                }
            }
            foreach (var e in await WatchApi.QueryAsync(db, id, null, false, false, 10_000, ct))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.CveId}\t{e.Constituent}\t{e.Product}\t{e.Outcome}\t{e.Deadline:yyyy-MM-dd}\t{(e.Kev ? "kev" : "-")}\t{e.Confidence}\t{e.Decision}"));
            }
            return 0;
        });
        return new Command("watch", "The vulnerability watch list (docs/vulnerability-watch.md).") { rematch, list };
    }

    private static async Task<Guid?> FindConstituentAsync(VigieDb db, string nameOrId, CancellationToken ct)
    {
        if (Guid.TryParse(nameOrId, out var id))
        {
            return await db.Constituents.AnyAsync(c => c.Id == id, ct) ? id : null;
        }
        var matches = await db.Constituents.Where(c => c.Name == nameOrId.Trim()).Select(c => c.Id).Take(2).ToListAsync(ct);
        return matches.Count == 1 ? matches[0] : null;
    }
}
