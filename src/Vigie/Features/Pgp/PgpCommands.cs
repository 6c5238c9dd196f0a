using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Vigie.Cli;
using Vigie.Core;
using Vigie.Features.PublicSite;
using Vigie.Features.TeamProfile;

namespace Vigie.Features.Pgp;

/// <summary><c>vigie pgp import-key FILE [--secret]</c>, <c>vigie pgp list</c> and <c>vigie pgp init-team-key</c>.</summary>
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
        return new Command("pgp", "Manage the team's OpenPGP keyring (team and contact keys).") { import, list, InitTeamKeyCommand() };
    }

    private static Command InitTeamKeyCommand()
    {
        var name = new Option<string?>("--name") { Description = "The name in the key's user id. Default: the team profile's Name (Vigie:Team:Name)." };
        var email = new Option<string?>("--email") { Description = "The address in the key's user id. Default: the profile's incident address (Vigie:Team:IncidentEmail)." };
        var expires = new Option<string>("--expires")
        {
            Description = "Validity: a number and a unit, y (years), m (months), w (weeks) or d (days), e.g. 2y; or 'never'. Default: 3y.",
            DefaultValueFactory = _ => "3y",
        };
        var command = new Command("init-team-key",
            "Create the team's OpenPGP key (RSA-3072 sign+certify, RSA-3072 encryption subkey), protected by a passphrase, "
            + $"and import it. The passphrase comes from {PgpOptions.Section}:PassphraseFile (created if missing), else "
            + $"{PgpOptions.PassphraseEnvironmentVariable}, else a random one written to <data dir>/{PgpOptions.DefaultPassphraseFile}.")
        { name, email, expires };
        command.SetAction(async (parse, ct) =>
        {
            await using var app = VigieCli.BuildHost(parse);
            var profile = app.Services.GetRequiredService<IOptions<TeamProfileOptions>>().Value;
            var vigie = app.Services.GetRequiredService<IOptions<VigieOptions>>().Value;
            var time = app.Services.GetRequiredService<TimeProvider>();
            var now = time.GetUtcNow();

            var teamName = (parse.GetValue(name) ?? profile.Name).Trim();
            if (teamName.Length == 0 || teamName.Length > 200 || teamName.Any(c => char.IsControl(c) || c is '<' or '>'))
            {
                return Fail($"The name '{teamName}' cannot be put in a user id: give 1 to 200 characters, without '<', '>' or control characters (--name).");
            }
            if (!EmailAddress.TryNormalize(parse.GetValue(email) ?? profile.IncidentEmail, out var address, out var emailError))
            {
                return Fail($"The address of the key is not valid (--email or Vigie:Team:IncidentEmail): {emailError}");
            }
            if (!TryParseValidity(parse.GetValue(expires)!, now, out var validFor))
            {
                return Fail($"--expires '{parse.GetValue(expires)}' is not a validity: write e.g. 3y, 18m, 6w, 90d, or never.");
            }

            // Refuse before touching anything. Listing keys needs no passphrase, so a keyring without one is used.
            var lister = new PgpKeyring(Options.Create(vigie), Options.Create(new PgpOptions()), time, NullLogger<PgpKeyring>.Instance);
            if (lister.List().FirstOrDefault(k => k.HasSecret && k.CanSign && !k.Revoked && !(k.Expires <= now) && k.Emails.Contains(address)) is { } existing)
            {
                return Fail($"The keyring in {lister.KeyringDirectory} already holds a usable team signing key for {address}: "
                    + $"{existing.Fingerprint} ({string.Join(", ", existing.UserIds)}). Nothing was created. "
                    + "Revoke or remove it first, or give another address with --email.");
            }

            var configured = app.Configuration.GetSection(PgpOptions.Section).Get<PgpOptions>() ?? new PgpOptions();
            var source = PgpOptions.Locate(configured, vigie.DataPath);
            char[] passphrase;
            bool written;
            try
            {
                (passphrase, written) = ObtainPassphrase(source);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                return Fail(e.Message);
            }

            var userId = $"{teamName} <{address}>";
            TeamKeyGenerator.Generated key;
            IReadOnlyList<PgpKeyInfo> imported;
            try
            {
                key = TeamKeyGenerator.Generate(userId, now, validFor, passphrase);
                using var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(key.ArmoredSecretKey));
                imported = app.Services.GetRequiredService<PgpKeyring>().Import(stream, allowSecret: true);
            }
            catch (PgpImportException e)
            {
                return Fail(e.Message);
            }
            finally
            {
                Array.Clear(passphrase);
            }

            var site = app.Services.GetRequiredService<IOptions<PublicSiteOptions>>().Value;
            var keyUrl = string.IsNullOrWhiteSpace(site.PublicUrl) ? $"<public address>{site.KeyPath}" : site.Absolute(site.KeyPath);
            var grouped = new TeamKey(key.Fingerprint, key.KeyId, [userId], key.Created, key.Expires, "");
            Console.WriteLine($"Team key created for {userId}:");
            Console.WriteLine($"  Fingerprint: {grouped.GroupedFingerprint}");
            Console.WriteLine($"  Key id:      0x{key.KeyId}");
            Console.WriteLine($"  Keys:        RSA-3072 sign+certify, RSA-3072 encryption subkey");
            Console.WriteLine($"  Expires:     {(key.Expires is { } until ? until.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "never")}");
            Console.WriteLine($"  Passphrase:  in {source.Describe()}{(written ? " (created now, readable by its owner only)" : "")}");
            Console.WriteLine($"  Imported into {imported.Count switch { 1 => "", _ => $"({imported.Count} keys) " }}{lister.KeyringDirectory}.");
            Console.WriteLine();
            Console.WriteLine("Back up the keyring directory and the passphrase, separately.");
            Console.WriteLine("Now update the team profile so that the RFC 2350 document and the dashboard name this key:");
            Console.WriteLine($"  Vigie:Team:PublicKey:Fingerprint = {grouped.GroupedFingerprint}");
            Console.WriteLine($"  Vigie:Team:PublicKey:KeyId       = 0x{key.KeyId}");
            Console.WriteLine($"  Vigie:Team:PublicKey:Url         = {keyUrl}");
            return 0;
        });
        return command;
    }

    /// <summary><c>3y</c>, <c>18m</c>, <c>6w</c>, <c>90d</c> (calendar years and months from <paramref name="now"/>) or <c>never</c> (null).</summary>
    internal static bool TryParseValidity(string text, DateTimeOffset now, out TimeSpan? validFor)
    {
        validFor = null;
        text = text.Trim().ToLowerInvariant();
        if (text is "never" or "0")
        {
            return true;
        }
        if (text.Length < 2 || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 36500)
        {
            return false;
        }
        DateTimeOffset? until = text[^1] switch
        {
            'y' when n <= 100 => now.AddYears(n),
            'm' when n <= 1200 => now.AddMonths(n),
            'w' => now.AddDays(7.0 * n),
            'd' => now.AddDays(n),
            _ => null,
        };
        validFor = until - now;
        return until is not null;
    }

    /// <summary>
    /// The passphrase from its source: a configured file (created with a random passphrase when missing), the
    /// environment, or the default file in the data directory (reused when present, else created: directory 0700, file 0600).
    /// </summary>
    private static (char[] Passphrase, bool Written) ObtainPassphrase(PassphraseSource source)
    {
        if (source.Kind == PassphraseSourceKind.Environment)
        {
            return (Environment.GetEnvironmentVariable(PgpOptions.PassphraseEnvironmentVariable)!.ToCharArray(), false);
        }
        var path = source.Path!;
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).TrimEnd('\r', '\n');
            if (existing.Length == 0)
            {
                throw new InvalidOperationException($"The passphrase file {path} is empty: put a passphrase in it, or remove it to have one created.");
            }
            return (existing.ToCharArray(), false);
        }
        var directory = Path.GetDirectoryName(path)!;
        if (!OperatingSystem.IsWindows())
        {
            const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory, OwnerOnly);
            }
            else if (source.Kind == PassphraseSourceKind.DefaultFile)
            {
                // Vigie's own secrets directory: never readable by others, whoever created it.
                File.SetUnixFileMode(directory, OwnerOnly);
            }
        }
        else
        {
            Directory.CreateDirectory(directory);
        }
        // 256 random bits, printable, no character a shell or a config file would mangle.
        var passphrase = Base64Url(RandomNumberGenerator.GetBytes(32));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file))
        {
            writer.Write(passphrase);
            writer.Write('\n');
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        return (passphrase.ToCharArray(), true);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

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
