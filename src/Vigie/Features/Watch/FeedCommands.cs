using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Localization;
using Spectre.Console;
using Vigie.Cli;
using Vigie.Core.Csaf;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Vulnerabilities;

namespace Vigie.Features.Watch;

/// <summary>
/// <c>vigie csaf fetch URL|DOMAIN</c> and <c>vigie csaf validate FILE…</c>; <c>vigie vulns pull [NAME]</c> and
/// <c>vigie vulns feeds</c> for the scheduled feeds (docs/csaf.md, docs/vulnerability-watch.md).
/// </summary>
public static class FeedCommands
{
    public static Command Csaf()
    {
        var target = new Argument<string>("PROVIDER") { Description = "A provider's domain (its /.well-known/csaf/provider-metadata.json is read) or the URL of a provider-metadata.json." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Download and check everything, store nothing." };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "The provider's OpenPGP key fingerprint as you know it: the metadata must list it, and only it is trusted." };
        var allowUnsigned = new Option<bool>("--allow-unsigned") { Description = "Accept documents on their hash alone when the provider lists no OpenPGP key." };
        var force = new Option<bool>("--force") { Description = "Fetch every document again, changed or not." };
        var fetch = new Command("fetch", "Fetch a vendor's CSAF 2.0 advisories (hash, signature, file name and CSAF checks per document), then rematch.")
            { target, dryRun, fingerprint, allowUnsigned, force };
        fetch.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            var url = CsafFetch.MetadataUrl(parse.GetValue(target)!);
            var options = new CsafFetchOptions(parse.GetValue(dryRun), parse.GetValue(fingerprint), parse.GetValue(allowUnsigned), parse.GetValue(force));
            var fetcher = scope.ServiceProvider.GetRequiredService<CsafFetch>();
            CsafFetchResult result;
            try
            {
                if (!Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive)
                {
                    result = await AnsiConsole.Progress().AutoClear(true).StartAsync(async progress =>
                    {
                        var task = progress.AddTask(url.Host).IsIndeterminate();
                        return await fetcher.FetchAsync(url, options, new Progress<CsafFetchResult>(r => task.Description = $"{url.Host}: {r.Entries} entries, {r.Verified} verified"), ct);
                    });
                }
                else
                {
                    result = await fetcher.FetchAsync(url, options, null, ct);
                }
            }
            catch (CsafFeedException e)
            {
                return IdentityCommands.Fail(text["Csaf.Untrusted", url, e.Message]);
            }
            foreach (var r in result.Rejected.Take(200))
            {
                await Console.Error.WriteLineAsync(text["Import.Rejected", r.Where, r.Reason]);
            }
            foreach (var w in result.Import.Warnings.Take(200))
            {
                await Console.Error.WriteLineAsync(text["Import.Warning", w.Where, w.Reason]);
            }
            await Console.Error.WriteLineAsync(text["Csaf.Summary", result.Publisher ?? url.Host, result.Entries, result.Verified, result.Unchanged, result.Rejected.Count,
                result.Import.New, result.Import.Updated, options.DryRun ? text["Inventory.DryRun"].Value : ""]);
            if (!options.DryRun && result.Import.Changed.Count > 0)
            {
                var rematch = await scope.ServiceProvider.GetRequiredService<WatchService>().RematchAsync(result.Import.Changed, ct);
                await Console.Error.WriteLineAsync(text["Import.Rematched", rematch.Vulnerabilities, rematch.Products, rematch.Matches, rematch.New, rematch.Alerts]);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"entries={result.Entries} verified={result.Verified} unchanged={result.Unchanged} refused={result.Rejected.Count} new={result.Import.New} updated={result.Import.Updated}"));
            return result.Rejected.Count == 0 ? 0 : 1;
        });

        var files = new Argument<FileInfo[]>("FILE") { Description = "CSAF 2.0 documents.", Arity = ArgumentArity.OneOrMore };
        var validate = new Command("validate", "Check CSAF 2.0 documents against the official schema and Vigie's mandatory tests; one line per finding.") { files };
        validate.SetAction(async (parse, ct) =>
        {
            var invalid = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                IReadOnlyList<CsafFinding> findings;
                try
                {
                    using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(file.FullName, ct));
                    findings = CsafValidator.Validate(doc.RootElement);
                }
                catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
                {
                    findings = [new CsafFinding("read", "", e.Message.Split('\n')[0])];
                }
                invalid += findings.Count > 0 ? 1 : 0;
                Console.WriteLine($"{file.Name}\t{(findings.Count == 0 ? "valid" : "invalid")}");
                foreach (var f in findings)
                {
                    Console.WriteLine($"{file.Name}\t{f.Test}\t{f.InstancePath}\t{f.Message}");
                }
            }
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{parse.GetValue(files)!.Length - invalid} valid, {invalid} invalid ({CsafValidator.Implemented.Count} mandatory tests + schema)"));
            return invalid == 0 ? 0 : 1;
        });
        return new Command("csaf", "CSAF 2.0: fetch a provider's advisories, validate documents (docs/csaf.md).") { fetch, validate };
    }

    /// <summary><c>vigie vulns pull [NAME]</c>: pull configured feeds now (every enabled one without a name).</summary>
    public static Command Pull()
    {
        var name = new Argument<string?>("NAME") { Description = "A feed's name (Vigie:Vulnerabilities:Feeds); every enabled feed when omitted.", Arity = ArgumentArity.ZeroOrOne };
        var pull = new Command("pull", "Pull configured feeds now, as the schedule would, then rematch what changed.") { name };
        pull.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            var puller = scope.ServiceProvider.GetRequiredService<FeedPull>();
            var wanted = parse.GetValue(name);
            var feeds = wanted is null ? [.. puller.Feeds.Where(f => f.Enabled)] : puller.Feeds.Where(f => string.Equals(f.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            if (feeds.Count == 0)
            {
                return IdentityCommands.Fail(wanted is null ? text["Pull.NoFeeds"] : text["Pull.Unknown", wanted, string.Join(", ", puller.Feeds.Select(f => f.Name))]);
            }
            var failed = 0;
            foreach (var feed in feeds)
            {
                var outcome = await puller.PullAsync(feed, ct);
                failed += outcome.Error is null ? 0 : 1;
                Console.WriteLine($"{feed.Name}\t{(outcome.Error is not null ? "failed" : outcome.NotModified ? "not-modified" : "pulled")}\t{outcome.Summary}");
            }
            return failed == 0 ? 0 : 1;
        });
        return pull;
    }

    /// <summary><c>vigie vulns feeds</c>: the configured feeds with their schedule and last outcome.</summary>
    public static Command Feeds()
    {
        var feeds = new Command("feeds", "List the configured feeds, their schedule and the last pull's outcome (tab-separated).");
        feeds.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var puller = scope.ServiceProvider.GetRequiredService<FeedPull>();
            var states = await FeedPull.LastStatesAsync(scope.ServiceProvider.GetRequiredService<VigieDb>(), puller.Feeds, ct);
            foreach (var feed in puller.Feeds)
            {
                var state = states.GetValueOrDefault(feed.Name);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{feed.Name}\t{feed.Format}\t{(feed.Enabled ? feed.Schedule : "disabled")}\t{state?.CheckedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "never"}\t{state?.Outcome ?? ""}\t{feed.Url}"));
            }
            return 0;
        });
        return feeds;
    }
}
