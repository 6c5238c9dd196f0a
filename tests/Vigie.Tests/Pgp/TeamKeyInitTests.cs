using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigie.Features.Pgp;
using Vigie.Features.TeamProfile;
using Vigie.Tests.Cli;

namespace Vigie.Tests.Pgp;

/// <summary>
/// One <c>vigie pgp init-team-key</c> run (the real binary, a temporary data directory, no passphrase configured),
/// shared by the tests that check what it made.
/// </summary>
public sealed class InitializedTeamKey : IAsyncLifetime
{
    public const string Email = "team-init@csirt.test";
    public const string Name = "CSIRT Init Test";

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("vigie-initkey-").FullName;

    public (int Code, string Out, string Err) Run { get; private set; }

    public string Fingerprint { get; private set; } = "";

    public string PassphraseFile => Path.Combine(DataDirectory, "secrets", "pgp-passphrase");

    /// <summary>Settings of the CLI: logs at Information (to check they never hold the passphrase), no passphrase in the environment.</summary>
    public Dictionary<string, string> Settings() => new()
    {
        ["Vigie:DataDirectory"] = DataDirectory,
        ["Logging:LogLevel:Default"] = "Information",
        [PgpOptions.PassphraseEnvironmentVariable] = "",
    };

    public async ValueTask InitializeAsync()
    {
        Run = await CliTests.Run(Settings(), null, "pgp", "init-team-key", "--name", Name, "--email", Email, "--expires", "2y");
        var match = Regex.Match(Run.Out, @"Fingerprint: ((?:[0-9A-F]{4} ?){10})");
        Fingerprint = match.Success ? match.Groups[1].Value.Replace(" ", "", StringComparison.Ordinal) : "";
    }

    /// <summary>A keyring over the data directory with no passphrase configured: it must find the generated file by itself.</summary>
    public PgpKeyring Keyring() => TestKeys.NewKeyring(DataDirectory, null);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(DataDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary><c>vigie pgp init-team-key</c>: the key it makes works with GnuPG both ways, and its passphrase stays secret.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes
public sealed class TeamKeyInitTests(InitializedTeamKey init) : IClassFixture<InitializedTeamKey>, IDisposable
{
    private readonly GpgHome _gpg = new();
    private readonly List<string> _dirs = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _gpg.Dispose();
        foreach (var dir in _dirs)
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private string NewDataDirectory()
    {
        var dir = Directory.CreateTempSubdirectory("vigie-initkey-").FullName;
        _dirs.Add(dir);
        return dir;
    }

    private TeamSigner Signer(PgpKeyring keyring) =>
        new(keyring, Options.Create(new TeamProfileOptions { IncidentEmail = InitializedTeamKey.Email }));

    [Fact]
    public async Task The_key_is_created_listed_and_its_passphrase_is_in_a_private_file_never_printed()
    {
        Assert.True(init.Run.Code == 0, init.Run.Err);
        Assert.Matches("^[0-9A-F]{40}$", init.Fingerprint);
        Assert.Contains($"Team key created for {InitializedTeamKey.Name} <{InitializedTeamKey.Email}>", init.Run.Out);
        Assert.Contains($"Key id:      0x{init.Fingerprint[^16..]}", init.Run.Out);
        Assert.Contains($"in the file {init.PassphraseFile} (created now", init.Run.Out);
        Assert.Contains("Vigie:Team:PublicKey:Fingerprint = ", init.Run.Out);
        Assert.Contains("Vigie:Team:PublicKey:Url", init.Run.Out);
        // The keyring logged the import at Information; a command's logs go to standard error.
        Assert.Contains("Imported OpenPGP key", init.Run.Err);
        Assert.DoesNotContain("Imported OpenPGP key", init.Run.Out);

        var passphrase = (await File.ReadAllTextAsync(init.PassphraseFile, Ct)).TrimEnd('\n');
        Assert.True(passphrase.Length >= 40);
        Assert.DoesNotContain(passphrase, init.Run.Out + init.Run.Err);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(init.PassphraseFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(init.PassphraseFile)!));

        var list = await CliTests.Run(init.Settings(), null, "pgp", "list");
        Assert.True(list.Code == 0, list.Err);
        Assert.Contains(init.Fingerprint, list.Out);
        Assert.Contains("secret sign encrypt", list.Out);
        Assert.Matches(@"valid until \d{4}-\d{2}-\d{2}", list.Out);
        Assert.DoesNotContain(passphrase, list.Out + list.Err);

        // What gpg reads in the stored secret key: AES-256 (algo 9) under an iterated+salted SHA-256 (hash 8) S2K, both keys.
        var (code, packets, error) = await _gpg.RunAsync(["--list-packets", Path.Combine(init.DataDirectory, "pgp", "secret-keys.pgp")], Ct);
        Assert.True(code == 0, error);
        Assert.Equal(2, Regex.Count(packets, @"iter\+salt S2K, algo: 9, SHA1 protection, hash: 8"));
        Assert.Contains("pkey[0]: [3072 bits]", packets);
    }

    [Fact]
    public async Task A_second_run_is_refused_and_changes_nothing()
    {
        Assert.True(init.Run.Code == 0, init.Run.Err);
        var keyFile = Path.Combine(init.DataDirectory, "pgp", "secret-keys.pgp");
        var before = await File.ReadAllBytesAsync(keyFile, Ct);
        var again = await CliTests.Run(init.Settings(), null, "pgp", "init-team-key", "--name", InitializedTeamKey.Name, "--email", InitializedTeamKey.Email);
        Assert.Equal(1, again.Code);
        Assert.Contains($"already holds a usable team signing key for {InitializedTeamKey.Email}", again.Err);
        Assert.Contains(init.Fingerprint, again.Err);
        Assert.Equal(before, await File.ReadAllBytesAsync(keyFile, Ct));
    }

    [Fact]
    public async Task TeamSigner_signs_with_the_new_key_and_gpg_verifies_it()
    {
        Assert.True(init.Run.Code == 0, init.Run.Err);
        var signer = Signer(init.Keyring());
        var key = signer.Key!;
        Assert.Equal(init.Fingerprint, key.Fingerprint);
        Assert.Equal(new DateTimeOffset(key.Created.UtcDateTime.AddYears(2)).Date, key.Expires!.Value.UtcDateTime.Date);

        var keyFile = _gpg.NewPath("asc");
        await File.WriteAllTextAsync(keyFile, key.Armored, Ct);
        var (code, _, error) = await _gpg.RunAsync(["--import", keyFile], Ct);
        Assert.True(code == 0, error);

        var signed = signer.ClearSign("Contact: mailto:team-init@csirt.test\nExpires: 2030-01-01T00:00:00Z\n")!;
        var path = _gpg.NewPath("txt.asc");
        await File.WriteAllTextAsync(path, signed, Ct);
        var (verify, status, verifyError) = await _gpg.RunAsync(["--status-fd", "1", "--verify", path], Ct);
        Assert.True(verify == 0, verifyError);
        Assert.Contains($"VALIDSIG {init.Fingerprint}", status);
    }

    [Fact]
    public async Task A_message_gpg_encrypts_to_the_published_key_is_decrypted_by_MailCrypto()
    {
        Assert.True(init.Run.Code == 0, init.Run.Err);
        var keyring = init.Keyring();
        var keyFile = _gpg.NewPath("asc");
        await File.WriteAllTextAsync(keyFile, Signer(keyring).Key!.Armored, Ct);
        Assert.Equal(0, (await _gpg.RunAsync(["--import", keyFile], Ct)).Code);

        const string Report = "Bonjour,\nune fuite de données chez un client, détails ci-joints.\n";
        var inner = TestKeys.Crlf("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + Report);
        var armored = await _gpg.TransformAsync(inner, Ct, "--armor", "--sign", "-u", "bob@partner.test", "--encrypt", "-r", init.Fingerprint);
        var message = TestKeys.Load(
            $"From: Bob <bob@partner.test>\nTo: {InitializedTeamKey.Email}\nSubject: report\nMessage-ID: <{Guid.NewGuid():N}@partner.test>\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"\n\n"
            + "--enc\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n"
            + "--enc\nContent-Type: application/octet-stream\n\n" + armored + "\n--enc--\n");

        var opened = new MailCrypto(keyring, NullLogger<MailCrypto>.Instance).Open(message);
        Assert.True(opened.Decryption == DecryptionOutcome.Decrypted, opened.DecryptionError);
        Assert.Equal(Report, Assert.IsType<TextPart>(opened.Body).Text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_passphrase_from_the_environment_is_used_and_no_file_is_written()
    {
        // Not ASCII on purpose: gpg and Vigie must both read it as UTF-8.
        const string Passphrase = "Été à Noël — clé d'équipe 42";
        var dir = NewDataDirectory();
        var run = await CliTests.Run(new Dictionary<string, string>
        {
            ["Vigie:DataDirectory"] = dir,
            ["Logging:LogLevel:Default"] = "Information",
            [PgpOptions.PassphraseEnvironmentVariable] = Passphrase,
        }, null, "pgp", "init-team-key", "--email", "env-key@csirt.test", "--expires", "never");
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains($"Passphrase:  in the environment variable {PgpOptions.PassphraseEnvironmentVariable}", run.Out);
        Assert.Contains("Expires:     never", run.Out);
        Assert.Contains("cegedim.cloud CSIRT <env-key@csirt.test>", run.Out); // the profile's name by default
        Assert.DoesNotContain(Passphrase, run.Out + run.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "secrets")));

        // Vigie unlocks it with that passphrase (here from a file), and gpg does too.
        var passFile = Path.Combine(dir, "pass.txt");
        await File.WriteAllTextAsync(passFile, Passphrase + "\n", new UTF8Encoding(false), Ct);
        var keyring = TestKeys.NewKeyring(dir, passFile);
        var signer = new TeamSigner(keyring, Options.Create(new TeamProfileOptions { IncidentEmail = "env-key@csirt.test" }));
        Assert.NotNull(signer.Key);
        Assert.Null(signer.Key!.Expires);

        var (code, _, error) = await _gpg.RunAsync(["--passphrase", Passphrase, "--import", Path.Combine(dir, "pgp", "secret-keys.pgp")], Ct);
        Assert.True(code == 0, error);
        var signed = await _gpg.TransformAsync("signed by gpg with the key Vigie made\n", Ct, "--passphrase", Passphrase, "-u", "env-key@csirt.test", "--clearsign");
        Assert.Contains("-----BEGIN PGP SIGNATURE-----", signed);
    }

    [Fact]
    public async Task A_configured_passphrase_file_is_created_when_missing_and_bad_options_are_refused()
    {
        var dir = NewDataDirectory();
        var passFile = Path.Combine(dir, "conf", "team-pass");
        var settings = new Dictionary<string, string>
        {
            ["Vigie:DataDirectory"] = dir,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Vigie:Pgp:PassphraseFile"] = passFile,
            [PgpOptions.PassphraseEnvironmentVariable] = "ignored-because-a-file-is-configured",
        };

        var badExpiry = await CliTests.Run(settings, null, "pgp", "init-team-key", "--expires", "5x");
        Assert.Equal(1, badExpiry.Code);
        Assert.Contains("--expires '5x' is not a validity", badExpiry.Err);
        var badName = await CliTests.Run(settings, null, "pgp", "init-team-key", "--name", "Evil <x@y.z>");
        Assert.Equal(1, badName.Code);
        Assert.Contains("--name", badName.Err);
        Assert.False(File.Exists(passFile));

        var run = await CliTests.Run(settings, null, "pgp", "init-team-key", "--email", "file-key@csirt.test", "--expires", "18m");
        Assert.True(run.Code == 0, run.Err);
        Assert.Contains($"in the file {passFile} (created now", run.Out);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(passFile));
        var passphrase = (await File.ReadAllTextAsync(passFile, Ct)).TrimEnd('\n');
        Assert.DoesNotContain(passphrase, run.Out + run.Err);

        // The server and the other commands find it through the same setting.
        var list = await CliTests.Run(settings, null, "pgp", "list");
        Assert.True(list.Code == 0, list.Err);
        Assert.Contains("secret sign encrypt", list.Out);
        Assert.NotNull(new TeamSigner(TestKeys.NewKeyring(dir, passFile),
            Options.Create(new TeamProfileOptions { IncidentEmail = "file-key@csirt.test" })).Key);
    }
}
