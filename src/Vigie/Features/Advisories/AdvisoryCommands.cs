using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Vigie.Cli;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Identity;
using Vigie.Features.Watch;

namespace Vigie.Features.Advisories;

/// <summary>
/// <c>vigie advisories draft --cve CVE [--publish]</c> (prints the new bulletin's tracking id),
/// <c>vigie advisories export ID --format csaf [--lang en|fr]</c> (prints the CSAF JSON), <c>publish ID</c>, <c>list</c>.
/// </summary>
public static class AdvisoryCommands
{
    private const string Via = "cli";

    public static Command Build()
    {
        var cve = new Option<string>("--cve") { Description = "The stored CVE to draft from, e.g. CVE-2021-44228.", Required = true };
        var publish = new Option<bool>("--publish") { Description = "Publish it at once (revision 1)." };
        var draft = new Command("draft", "Create a bulletin from a stored CVE and print its tracking id.") { cve, publish };
        draft.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            var service = scope.ServiceProvider.GetRequiredService<AdvisoryService>();
            var says = scope.ServiceProvider.GetRequiredService<IStringLocalizer<AdvisoriesText>>();
            var created = await service.DraftFromCveAsync(parse.GetValue(cve)!, AuditActor.Cli(), Via, ct);
            if (!created.IsSuccess)
            {
                return IdentityCommands.Fail(text["Show.NotFound", parse.GetValue(cve)!.Trim().ToUpperInvariant()]);
            }
            var advisory = created.Value!;
            if (parse.GetValue(publish))
            {
                var published = await service.PublishAsync(advisory, "", AuditActor.Cli(), Via, ct);
                if (!published.IsSuccess)
                {
                    await Console.Error.WriteLineAsync(says["Cli.CreatedNotPublished", advisory.TrackingId, AdvisoryRefusal.Message(published.Error!, says)]);
                    Console.WriteLine(advisory.TrackingId);
                    return 1;
                }
                if (AdvisoryService.NeedsTranslation(advisory.Document))
                {
                    await Console.Error.WriteLineAsync(text["Advisory.Untranslated", advisory.TrackingId]);
                }
            }
            Console.WriteLine(advisory.TrackingId);
            return 0;
        });

        var id = new Argument<string>("ID") { Description = "Tracking id (VIGIE-2026-0001) or id." };
        var format = new Option<string>("--format") { Description = "csaf (the only format).", DefaultValueFactory = _ => "csaf" };
        var lang = new Option<string>("--lang") { Description = "en (default) or fr.", DefaultValueFactory = _ => "en" };
        var export = new Command("export", "Print a bulletin as a CSAF 2.0 document (csaf_security_advisory).") { id, format, lang };
        export.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            if (parse.GetValue(format) != "csaf" || parse.GetValue(lang) is not ("en" or "fr"))
            {
                return IdentityCommands.Fail(text["Advisory.BadFormat"]);
            }
            var service = scope.ServiceProvider.GetRequiredService<AdvisoryService>();
            if (await service.FindAsync(parse.GetValue(id)!, ct) is not { } advisory)
            {
                return IdentityCommands.Fail(text["Advisory.NotFound", parse.GetValue(id)!]);
            }
            if (AdvisoryService.Refusal(advisory.Document) is { } why)
            {
                var says = scope.ServiceProvider.GetRequiredService<IStringLocalizer<AdvisoriesText>>();
                return IdentityCommands.Fail(says["Cli.Incomplete", advisory.TrackingId, why.In(says)]);
            }
            Console.WriteLine(service.Csaf(advisory, parse.GetValue(lang)!));
            return 0;
        });

        var publishId = new Argument<string>("ID") { Description = "Tracking id or id." };
        var summary = new Option<string>("--summary") { Description = "What this revision changes.", DefaultValueFactory = _ => "" };
        var publishCommand = new Command("publish", "Publish a bulletin (a new revision).") { publishId, summary };
        publishCommand.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<WatchText>>();
            var service = scope.ServiceProvider.GetRequiredService<AdvisoryService>();
            if (await service.FindAsync(parse.GetValue(publishId)!, ct) is not { } advisory)
            {
                return IdentityCommands.Fail(text["Advisory.NotFound", parse.GetValue(publishId)!]);
            }
            var published = await service.PublishAsync(advisory, parse.GetValue(summary)!, AuditActor.Cli(), Via, ct);
            if (!published.IsSuccess)
            {
                var says = scope.ServiceProvider.GetRequiredService<IStringLocalizer<AdvisoriesText>>();
                return IdentityCommands.Fail(says["Cli.NotPublished", advisory.TrackingId, AdvisoryRefusal.Message(published.Error!, says)]);
            }
            Console.WriteLine($"{advisory.TrackingId}\trevision {published.Value!.Document.Revisions.Max(r => r.Number)}");
            return 0;
        });

        var list = new Command("list", "List bulletins (tab-separated: tracking id, TLP, published, English title).");
        list.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            foreach (var a in await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<Advisory>().AsNoTracking().OrderBy(a => a.TrackingId).ToListAsync(ct))
            {
                Console.WriteLine($"{a.TrackingId}\t{a.Tlp}\t{(a.PublishedAt is { } p ? p.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "draft")}\t{a.TitleEn}");
            }
            return 0;
        });
        return new Command("advisories", "Bulletins: draft from a CVE, publish, export as CSAF 2.0 (docs/advisories.md).") { draft, export, publishCommand, list };
    }
}
