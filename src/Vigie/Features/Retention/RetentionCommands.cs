using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Vigie.Cli;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Identity;

namespace Vigie.Features.Retention;

/// <summary>
/// <c>vigie retention status | run [--dry-run] | hold NUMBER --reason R [--release]</c> (docs/cli.md, docs/privacy.md).
/// One stable line per kind on standard output (kind, action, period, count, oldest date), the explanation on standard
/// error in the reader's language.
/// </summary>
public static class RetentionCommands
{
    public static Command Build() => new("retention", "Retention of personal data: what is due, the purge, legal holds (docs/privacy.md).")
    {
        StatusCommand(), RunCommand(), HoldCommand(),
    };

    private static Command StatusCommand()
    {
        var command = new Command("status", "The retention policy and, per kind, how many records are due now and the oldest one (changes nothing).");
        command.SetAction(async (parse, ct) => await RunAsync(parse, dryRun: true, status: true, ct));
        return command;
    }

    private static Command RunCommand()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would be deleted or pseudonymised, change nothing." };
        var command = new Command("run", "Delete or pseudonymise what is past its retention period, now (the server also does it daily).") { dryRun };
        command.SetAction(async (parse, ct) => await RunAsync(parse, parse.GetValue(dryRun), status: false, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, bool dryRun, bool status, CancellationToken ct)
    {
        await using var app = VigieCli.BuildHost(parse);
        await DbCommands.MigrateOnStartAsync(app, ct);
        await using var scope = app.Services.CreateAsyncScope();
        var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<RetentionText>>();
        var run = await scope.ServiceProvider.GetRequiredService<RetentionService>().RunAsync(dryRun, AuditActor.Cli(), ct);
        if (run.Skipped)
        {
            await Console.Error.WriteLineAsync(text["Run.Skipped"]);
            return 1;
        }
        foreach (var k in run.Kinds)
        {
            var oldest = k.Oldest?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";
            var cutoff = k.Cutoff?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-";
            Console.WriteLine($"{Core.EnumWords.ToWord(k.Kind),-22} {k.Action.ToString().ToLowerInvariant(),-13} {k.Period,-6} before {cutoff,-10} {k.Count,8} oldest {oldest}");
        }
        var total = run.Kinds.Sum(k => k.Count);
        await Console.Error.WriteLineAsync(status ? text["Status.Summary", total] : dryRun ? text["Run.DryRun", total] : text["Run.Done", total]);
        return 0;
    }

    private static Command HoldCommand()
    {
        var number = new Argument<string>("NUMBER") { Description = "The incident number, e.g. 2026-0042." };
        var reason = new Option<string>("--reason") { Description = "Why (a court order, a complaint…): kept on the incident's timeline.", Required = true };
        var release = new Option<bool>("--release") { Description = "Lift the hold instead of setting it." };
        var command = new Command("hold", "Put an incident under legal hold (the purge never touches it), or lift the hold.") { number, reason, release };
        command.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<RetentionText>>();
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            var wanted = parse.GetValue(number)?.Trim() ?? "";
            var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Number == wanted, ct);
            if (incident is null)
            {
                return IdentityCommands.Fail(text["Hold.NotFound", wanted]);
            }
            var hold = !parse.GetValue(release);
            if (incident.SetLegalHold(hold, AuditActor.Cli().Name, parse.GetValue(reason), now) is { } error)
            {
                return IdentityCommands.Fail(text["Hold." + error.Code, wanted]);
            }
            await db.SaveChangesAsync(ct);
            await Console.Error.WriteLineAsync(text[hold ? "Hold.Set" : "Hold.Released", wanted]);
            return 0;
        });
        return command;
    }
}
