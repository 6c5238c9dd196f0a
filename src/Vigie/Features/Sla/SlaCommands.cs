using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Vigie.Cli;
using Vigie.Data;
using Vigie.Features.Identity;

namespace Vigie.Features.Sla;

/// <summary><c>vigie sla due</c>: the same answer as <c>GET /api/v1/sla/due</c>, for an analyst at a terminal.</summary>
public static class SlaCommands
{
    public static Command Build() => new("sla", "SLA clocks on the team's business calendar.") { DueCommand(), BackfillCommand() };

    private static Command BackfillCommand()
    {
        var command = new Command("backfill", "Compute the SLA clocks of incidents opened before Vigie kept them (the server also does it at start).");
        command.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var done = await scope.ServiceProvider.GetRequiredService<SlaService>().BackfillAsync(500, ct);
            AnsiConsole.MarkupLineInterpolated($"SLA clocks computed for {done} incident(s) in {clock.Elapsed.TotalSeconds:F1} s.");
            return 0;
        });
        return command;
    }

    private static Command DueCommand()
    {
        var received = new Option<string>("--received")
        {
            Description = "When the report was received, ISO 8601: 2026-11-28T03:00 (team time), or with Z / an offset.",
            Required = true,
        };
        var priority = new Option<string>("--priority") { Description = "P1, P2, P3 or P4.", Required = true };
        var constituent = new Option<Guid?>("--constituent") { Description = "Constituent id: its contract tier selects the contract's targets." };
        var lang = new Option<string?>("--lang") { Description = "Language of the explanation: fr (default) or en." };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON answer instead of text." };
        var command = new Command("due", "When the first response (and resolution) is due, and why.") { received, priority, constituent, lang, json };
        command.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var (answer, error) = await SlaApi.AnswerAsync(parse.GetValue(received), parse.GetValue(priority), parse.GetValue(constituent),
                parse.GetValue(lang) ?? "fr", services.GetRequiredService<SlaExplainer>(), services.GetRequiredService<SlaService>(),
                services.GetRequiredService<VigieDb>(), ct);
            if (error is not null)
            {
                var fields = error.Fields?.SelectMany(f => f.Value.Select(m => $"--{Option(f.Key)}: {m}")) ?? [error.Message];
                return IdentityCommands.Fail(string.Join(Environment.NewLine, fields));
            }
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(answer, new JsonSerializerOptions(JsonSerializerDefaults.Web)
                {
                    WriteIndented = true,
                    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                }));
                return 0;
            }
            foreach (var line in answer!.Explanation)
            {
                AnsiConsole.WriteLine(line);
            }
            AnsiConsole.WriteLine();
            AnsiConsole.MarkupLineInterpolated($"[bold]first-response due[/] {answer.FirstResponse.DueLocal}");
            if (answer.Resolution is { } r)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]resolution due[/]     {r.DueLocal}");
            }
            return 0;
        });
        return command;
    }

    private static string Option(string field) => field switch
    {
        "receivedAt" => "received",
        _ => field,
    };
}
