using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vigie.Cli;

namespace Vigie.Features.Pgp;

/// <summary><c>vigie pgp import-key FILE [--secret]</c> and <c>vigie pgp list</c>.</summary>
public static class PgpCommands
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "An armored key file, as written by 'gpg --armor --export' (or --export-secret-keys with --secret)." };
        var secret = new Option<bool>("--secret")
        {
            Description = "The file holds the team's secret key. Its passphrase must be in the file named by "
                + $"{PgpOptions.Section}:PassphraseFile or in {PgpOptions.PassphraseEnvironmentVariable}.",
        };
        var import = new Command("import-key", "Import OpenPGP keys: a contact's public key, or the team's secret key with --secret.") { file, secret };
        import.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                return Fail($"{path.FullName} does not exist.");
            }
            await using var app = VigieCli.BuildHost(parse);
            var keyring = app.Services.GetRequiredService<PgpKeyring>();
            IReadOnlyList<PgpKeyInfo> imported;
            try
            {
                await using var stream = path.OpenRead();
                imported = keyring.Import(stream, parse.GetValue(secret));
            }
            catch (PgpImportException e)
            {
                return Fail(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail($"{path.FullName} cannot be read: {e.Message}");
            }
            Print(imported, keyring.Now);
            Console.WriteLine($"{imported.Count} key(s) imported into {keyring.KeyringDirectory}.");
            return 0;
        });

        var list = new Command("list", "List the keys in the team's keyring.");
        list.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            var keyring = app.Services.GetRequiredService<PgpKeyring>();
            var keys = keyring.List();
            if (keys.Count == 0)
            {
                Console.WriteLine($"The keyring in {keyring.KeyringDirectory} is empty: import keys with 'vigie pgp import-key FILE'.");
                return 0;
            }
            Print(keys, keyring.Now);
            return 0;
        });
        return new Command("pgp", "Manage the team's OpenPGP keyring (team and contact keys).") { import, list };
    }

    private static void Print(IReadOnlyList<PgpKeyInfo> keys, DateTimeOffset now)
    {
        // Redirected output (scripts, tests) gets no terminal width: keep fingerprints on one line.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        }
        var table = new Table()
            .AddColumn(new TableColumn("Fingerprint").NoWrap())
            .AddColumn("User ids")
            .AddColumn(new TableColumn("Use").NoWrap())
            .AddColumn(new TableColumn("Created").NoWrap())
            .AddColumn(new TableColumn("Status").NoWrap());
        foreach (var key in keys)
        {
            var use = string.Join(" ", new[] { key.HasSecret ? "secret" : "public", key.CanSign ? "sign" : null, key.CanEncrypt ? "encrypt" : null }
                .Where(u => u is not null));
            var status = key.Revoked ? "revoked"
                : key.Expires is { } e && e <= now ? $"expired {e:yyyy-MM-dd}"
                : key.Expires is { } f ? $"valid until {f:yyyy-MM-dd}" : "valid";
            table.AddRow(
                Markup.Escape(key.Fingerprint),
                Markup.Escape(string.Join("\n", key.UserIds)),
                use,
                key.Created.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                status);
        }
        AnsiConsole.Write(table);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("error: " + message);
        return 1;
    }
}
