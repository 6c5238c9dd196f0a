using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using Vigie.Cli;
using Vigie.Data;
using Vigie.Features.Identity;

namespace Vigie.Features.Audit;

/// <summary><c>vigie audit verify</c>: walks the chain; exit 0 when whole, 1 naming the first bad entry, 2 on bad usage.</summary>
public static partial class AuditCommands
{
    public const int Broken = 1;

    public static Command Build() => new("audit", "The tamper-evident audit log (docs/audit.md).") { VerifyCommand() };

    private static Command VerifyCommand()
    {
        var head = new Option<string?>("--head")
        {
            Description = "A head printed by an earlier verify, <sequence>:<sha256>: also checks that this entry is still there, unchanged (detects a truncated or rewritten tail).",
        };
        var command = new Command("verify", "Check that no audit entry was altered, removed or reordered. Prints the head hash to keep elsewhere.") { head };
        command.SetAction(async (parse, ct) =>
        {
            (long, string)? expected = null;
            if (parse.GetValue(head) is { Length: > 0 } given)
            {
                if (HeadPattern().Match(given.Trim()) is not { Success: true } m)
                {
                    return IdentityCommands.Fail("--head must be <sequence>:<64 hexadecimal digits>, as printed by an earlier 'vigie audit verify'.");
                }
                expected = (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value.ToLowerInvariant());
            }
            await using var app = VigieCli.BuildHost(parse);
            await DbCommands.MigrateOnStartAsync(app, ct);
            await using var scope = app.Services.CreateAsyncScope();
            var text = scope.ServiceProvider.GetRequiredService<IStringLocalizer<AuditText>>();
            var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(expected, ct);
            if (result.Break is { } broken)
            {
                // A stable first line for scripts (sequence and kind), then the explanation in the reader's language.
                Console.WriteLine($"BROKEN #{broken.Sequence} {broken.Kind.ToString().ToLowerInvariant()}");
                await Console.Error.WriteLineAsync(text["Verify.Broken", broken.Sequence, broken.Describe(text)]);
                return Broken;
            }
            if (result.Count == 0)
            {
                Console.WriteLine($"OK 0");
                await Console.Error.WriteLineAsync(text["Verify.Empty"]);
                return 0;
            }
            Console.WriteLine($"OK {result.Count} head {result.Head}:{result.HeadHash}");
            await Console.Error.WriteLineAsync(text["Verify.Whole", result.Count, result.First, result.Head]);
            await Console.Error.WriteLineAsync(text["Verify.Head", result.Head, result.HeadHash]);
            return 0;
        });
        return command;
    }

    [GeneratedRegex("^([0-9]{1,18}):([0-9a-fA-F]{64})$")]
    private static partial Regex HeadPattern();
}
