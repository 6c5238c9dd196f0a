using System.CommandLine;
using Spectre.Console;
using Vigie.Cli;
using Vigie.Data;
using Vigie.Features.Identity;
using Vigie.Features.Pgp;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.PublicSite;

/// <summary><c>vigie rfc2350 render|publish|list</c>: the team's RFC 2350 document from the terminal (docs/rfc2350.md).</summary>
public static class Rfc2350Commands
{
    public static Command Build() => new("rfc2350", "The team's RFC 2350 document: render it from the profile, publish a version, list versions.")
    {
        RenderCommand(), PublishCommand(), ListCommand(),
    };

    private static Command RenderCommand()
    {
        var lang = new Option<string?>("--lang") { Description = "Language: one of the profile's languages (fr, en); default the first." };
        var sign = new Option<bool>("--sign") { Description = "Print the OpenPGP clear-signed text (needs the team key)." };
        var format = new Option<string>("--format") { Description = "text (default) or html.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "html");
        var command = new Command("render", "Print the document the current team profile gives (what 'publish' would publish).") { lang, sign, format };
        command.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<Rfc2350Service>();
            var language = (parse.GetValue(lang) ?? service.Languages[0]).ToLowerInvariant();
            if (!service.IsLanguage(language))
            {
                return IdentityCommands.Fail($"--lang: '{language}' is not one of the profile's languages ({string.Join(", ", service.Languages)}).");
            }
            var doc = await service.DraftAsync(language, ct);
            string output;
            if (parse.GetValue(format) == "html")
            {
                output = Rfc2350HtmlRenderer.Render(doc);
            }
            else
            {
                output = Rfc2350TextRenderer.Render(doc);
                if (parse.GetValue(sign))
                {
                    var signed = scope.ServiceProvider.GetRequiredService<TeamSigner>().ClearSign(output);
                    if (signed is null)
                    {
                        return IdentityCommands.Fail("--sign: the team has no OpenPGP signing key: create one with 'vigie pgp init-team-key' or import it with 'vigie pgp import-key FILE --secret'.");
                    }
                    output = signed;
                }
            }
            Console.Out.Write(output);
            if ((await service.ChangesAsync(ct)).Any(c => c.Language == language))
            {
                Console.Error.WriteLine("note: this differs from the published version; publish it with: vigie rfc2350 publish --changes \"…\"");
            }
            return 0;
        });
        return command;
    }

    private static Command PublishCommand()
    {
        var changes = new Option<string>("--changes") { Description = "Description of the changes, in the profile's first language.", Required = true };
        var changesIn = new Option<string[]>("--changes-in")
        {
            Description = "The description in another language, as LANG=TEXT (e.g. --changes-in \"en=New on-call hours\"); repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var version = new Option<string?>("--version-number") { Description = "Version number, e.g. 2.0 (default: the next minor version, 1.0 → 1.1)." };
        var unchanged = new Option<bool>("--allow-unchanged") { Description = "Publish even if the profile gives the same text (a reviewed, unchanged document)." };
        var by = new Option<string?>("--by") { Description = "Who publishes (recorded with the version); default cli:<user>." };
        var command = new Command("publish", "Publish a new version from the current profile: keeps the previous ones, signs it, announces it.")
        {
            changes, changesIn, version, unchanged, by,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<Rfc2350Service>();
            var text = new LocalizedText { [service.Languages[0]] = parse.GetValue(changes)! };
            foreach (var pair in parse.GetValue(changesIn) ?? [])
            {
                var cut = pair.IndexOf('=', StringComparison.Ordinal);
                if (cut <= 0)
                {
                    return IdentityCommands.Fail($"--changes-in: '{pair}' is not LANG=TEXT.");
                }
                text[pair[..cut].Trim()] = pair[(cut + 1)..];
            }
            var result = await service.PublishAsync(parse.GetValue(version), text, parse.GetValue(unchanged),
                parse.GetValue(by) ?? $"cli:{Environment.UserName}", ct);
            if (!result.IsSuccess)
            {
                var error = result.Error!;
                var lines = error.Fields?.SelectMany(f => f.Value.Select(m => $"{Flag(f.Key)}: {m}")) ?? [error.Message];
                return IdentityCommands.Fail(string.Join(Environment.NewLine, lines));
            }
            var published = result.Value!;
            Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"RFC 2350 version {published.Version} published ({published.Date:yyyy-MM-dd}), {(published.Signed ? "signed" : "NOT signed (no team key)")}; announced to {published.Announced} recipient(s)."));
            return 0;
        });
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List the published versions.");
        command.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService<Rfc2350Service>();
            await service.EnsurePublishedAsync(ct);
            var table = new Table().AddColumn("Version").AddColumn("Date").AddColumn("Language").AddColumn("Signed").AddColumn("Changes");
            foreach (var language in service.Languages)
            {
                foreach (var v in await service.ListAsync(language, ct))
                {
                    table.AddRow(Markup.Escape(v.Version), v.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), v.Language,
                        v.ClearSigned is null ? "no" : "yes", Markup.Escape(v.Changes));
                }
            }
            if (Console.IsOutputRedirected)
            {
                AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static string Flag(string field) => field switch
    {
        "version" => "--version-number",
        var f when f.StartsWith("changes.", StringComparison.Ordinal) => "--changes (" + f["changes.".Length..] + ")",
        _ => field,
    };
}
