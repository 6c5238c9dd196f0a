using System.Text;
using Vigie.Features.Pgp;

namespace Vigie.Tests.Pgp;

/// <summary>The keyring: import rules, persistence, look-ups, and the passphrase never leaking.</summary>
public sealed class PgpKeyringTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-keyring-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WritePassphrase(string passphrase)
    {
        var path = Path.Combine(_dir, $"passphrase-{Guid.NewGuid():N}");
        File.WriteAllText(path, passphrase + "\n");
        return path;
    }

    [Fact]
    public void Import_public_key_describes_it_and_reimport_merges_without_error()
    {
        var keyring = TestKeys.NewKeyring(_dir, null);
        var imported = Assert.Single(keyring.Import("alice.pub.asc"));

        Assert.Equal(TestKeys.AliceFingerprint, imported.Fingerprint);
        Assert.Equal(TestKeys.AliceFingerprint[^16..], imported.KeyId);
        Assert.Equal(["Alice Reporter <alice@partner.test>"], imported.UserIds);
        Assert.Equal(["alice@partner.test"], imported.Emails);
        Assert.False(imported.HasSecret);
        Assert.True(imported.CanEncrypt);
        Assert.True(imported.CanSign);
        Assert.Null(imported.Expires);
        Assert.False(imported.Revoked);

        // The TOOLCHAIN pitfall: a second import of the same key must not throw.
        Assert.Single(keyring.Import("alice.pub.asc"));
        Assert.Single(keyring.List(), k => k.Fingerprint == TestKeys.AliceFingerprint);
    }

    [Fact]
    public void Several_keys_in_one_file_are_all_imported()
    {
        var keyring = TestKeys.NewKeyring(_dir, null);
        var both = File.ReadAllText(TestKeys.File("alice.pub.asc")) + "\n" + File.ReadAllText(TestKeys.File("bob.pub.asc"));
        var imported = keyring.Import(new MemoryStream(Encoding.UTF8.GetBytes(both)), allowSecret: false);
        Assert.Equal([TestKeys.BobFingerprint, TestKeys.AliceFingerprint], imported.Select(k => k.Fingerprint).Order());
    }

    [Fact]
    public void Secret_key_is_refused_without_allow_secret()
    {
        var keyring = TestKeys.NewKeyring(_dir, TestKeys.File("team.passphrase"));
        var e = Assert.Throws<PgpImportException>(() => keyring.Import("team-ed.sec.asc"));
        Assert.Contains("secret (private) key", e.Message);
        Assert.Empty(keyring.List());
    }

    [Fact]
    public void Wrong_passphrase_is_a_clean_error_that_never_shows_a_passphrase()
    {
        const string wrong = "Wr0ng-Passphrase-Sentinel";
        var keyring = TestKeys.NewKeyring(_dir, WritePassphrase(wrong));
        var e = Assert.Throws<PgpImportException>(() => keyring.Import("team.sec.asc", secret: true));

        Assert.Contains("passphrase does not unlock the team's secret key", e.Message);
        Assert.Contains("Vigie:Pgp:PassphraseFile", e.Message);
        Assert.Contains("CSIRT Test Team <cert@csirt.test>", e.Message);
        Assert.DoesNotContain(wrong, e.ToString());
        Assert.DoesNotContain(TestKeys.TeamPassphrase, e.ToString());
        Assert.Empty(keyring.List());
        Assert.False(File.Exists(Path.Combine(keyring.KeyringDirectory, PgpKeyring.SecretFileName)));
    }

    [Fact]
    public async Task A_key_the_configured_passphrase_no_longer_unlocks_fails_decryption_readably_and_logs_no_secret()
    {
        TestKeys.NewKeyring(_dir, TestKeys.File("team.passphrase")).Import("team-ed.sec.asc", secret: true);

        // Later the operator configures a wrong passphrase: the keyring loads, the key stays locked.
        const string wrong = "Changed-Passphrase-Sentinel";
        var keyringLog = new ListLogger<PgpKeyring>();
        var cryptoLog = new ListLogger<MailCrypto>();
        var keyring = TestKeys.NewKeyring(_dir, WritePassphrase(wrong), keyringLog);
        var crypto = new MailCrypto(keyring, cryptoLog);

        using var gpg = new GpgHome();
        var armored = await gpg.TransformAsync("Content-Type: text/plain\r\n\r\nsecret report\r\n", Ct, "--armor", "--encrypt", "-r", "cert-ed@csirt.test");
        var opened = crypto.Open(TestKeys.Load("From: a@partner.test\nSubject: x\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b\"\n\n"
            + "--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n--b\nContent-Type: application/octet-stream\n\n" + armored + "\n--b--\n"));

        Assert.Equal(DecryptionOutcome.Failed, opened.Decryption);
        Assert.Contains("passphrase does not unlock the team's secret key", opened.DecryptionError);
        Assert.Contains(keyringLog.Lines, l => l.Contains("passphrase does not unlock", StringComparison.Ordinal));
        foreach (var line in keyringLog.Lines.Concat(cryptoLog.Lines).Append(opened.DecryptionError!))
        {
            Assert.DoesNotContain(wrong, line);
            Assert.DoesNotContain(TestKeys.TeamPassphrase, line);
        }
    }

    [Fact]
    public void Listing_and_importing_contact_keys_never_unlock_the_team_keys()
    {
        TestKeys.NewKeyring(_dir, TestKeys.File("team.passphrase")).Import("team.sec.asc", secret: true);

        // An operator without the passphrase adds a contact's key.
        var log = new ListLogger<PgpKeyring>();
        var keyring = TestKeys.NewKeyring(_dir, WritePassphrase("not-the-passphrase"), log);
        Assert.Single(keyring.Import("alice.pub.asc"));
        Assert.Equal(2, keyring.List().Count);
        Assert.DoesNotContain(log.Lines, l => l.Contains("passphrase", StringComparison.OrdinalIgnoreCase));

        // Only a use of the secret key tries to unlock it.
        Assert.Null(keyring.FindTeamSigningKey("cert@csirt.test"));
        Assert.Contains(log.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("passphrase does not unlock", StringComparison.Ordinal));
    }

    [Fact]
    public void Passphrase_comes_from_the_environment_when_no_file_is_configured()
    {
        // The variable is read at import time; other tests configure a file, so they are not affected.
        Environment.SetEnvironmentVariable(PgpOptions.PassphraseEnvironmentVariable, TestKeys.TeamPassphrase);
        try
        {
            var keyring = TestKeys.NewKeyring(_dir, null);
            var imported = Assert.Single(keyring.Import("team-ed.sec.asc", secret: true));
            Assert.True(imported.HasSecret);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PgpOptions.PassphraseEnvironmentVariable, null);
        }
    }

    [Fact]
    public void Keys_persist_and_a_new_instance_decrypts_with_them()
    {
        var passphrase = TestKeys.File("team.passphrase");
        var first = TestKeys.NewKeyring(_dir, passphrase);
        first.Import("team-ed.sec.asc", secret: true);
        first.Import("bob.pub.asc");

        var second = TestKeys.NewKeyring(_dir, passphrase);
        Assert.Equal([TestKeys.BobFingerprint, TestKeys.TeamEdFingerprint], second.List().Select(k => k.Fingerprint).Order());
        Assert.True(second.List().Single(k => k.Fingerprint == TestKeys.TeamEdFingerprint).HasSecret);
        Assert.Equal(TestKeys.TeamEdFingerprint, second.FindTeamSigningKey("cert-ed@csirt.test")?.Fingerprint);

        // The secret file is private to the owner.
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Path.Combine(second.KeyringDirectory, PgpKeyring.SecretFileName));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
    }

    [Fact]
    public void An_import_by_another_instance_is_picked_up()
    {
        var server = TestKeys.NewKeyring(_dir, null);
        Assert.Empty(server.List());
        var cli = TestKeys.NewKeyring(_dir, null);
        cli.Import("alice.pub.asc");

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (server.FindEncryptionKey("alice@partner.test") is null && waited.Elapsed < PgpKeyring.RecheckInterval + TimeSpan.FromSeconds(3))
        {
            Thread.Sleep(200);
        }
        Assert.Equal(TestKeys.AliceFingerprint, server.FindEncryptionKey("Alice@Partner.TEST")?.Fingerprint);
    }

    [Fact]
    public void Team_signing_key_is_found_by_address_else_the_first_one()
    {
        var keyring = TestKeys.NewKeyring(_dir, TestKeys.File("team.passphrase"));
        keyring.Import("team-ed.sec.asc", secret: true);
        keyring.Import("team.sec.asc", secret: true);
        keyring.Import("alice.pub.asc");

        Assert.Equal(TestKeys.TeamFingerprint, keyring.FindTeamSigningKey("cert@csirt.test")?.Fingerprint);
        Assert.Equal(TestKeys.TeamEdFingerprint, keyring.FindTeamSigningKey("CERT-ED@csirt.test")?.Fingerprint);
        Assert.NotNull(keyring.FindTeamSigningKey("someone-else@csirt.test"));
        Assert.Equal(TestKeys.AliceFingerprint, keyring.FindEncryptionKey("alice@partner.test")?.Fingerprint);
        Assert.Null(keyring.FindEncryptionKey("mallory@elsewhere.test"));
        Assert.Null(keyring.FindEncryptionKey("not an address"));
    }

    [Fact]
    public void No_secret_key_means_no_team_signing_key()
    {
        var keyring = TestKeys.NewKeyring(_dir, null);
        keyring.Import("alice.pub.asc");
        Assert.Null(keyring.FindTeamSigningKey("cert@csirt.test"));
    }

    [Fact]
    public void Inspect_reads_without_importing_and_rejects_garbage()
    {
        var info = Assert.Single(PgpKeyring.Inspect(File.ReadAllText(TestKeys.File("bob.pub.asc"))));
        Assert.Equal(TestKeys.BobFingerprint, info.Fingerprint);
        Assert.Equal(["bob@partner.test"], info.Emails);
        Assert.True(info.CanEncrypt);

        var secret = Assert.Single(PgpKeyring.Inspect(File.ReadAllText(TestKeys.File("alice.sec.asc"))));
        Assert.True(secret.HasSecret);

        Assert.Throws<PgpImportException>(() => PgpKeyring.Inspect("hello, this is not a key"));
        var broken = File.ReadAllText(TestKeys.File("bob.pub.asc")).Replace("m", "M", StringComparison.Ordinal);
        var e = Assert.Throws<PgpImportException>(() => PgpKeyring.Inspect(broken));
        Assert.StartsWith("The input is not a valid OpenPGP key", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "pgp")));
    }

    [Fact]
    public async Task Expired_key_is_described_and_never_used_for_encryption()
    {
        // gpg can make a key that expired long ago by faking its clock; the trailing "!" freezes that clock
        // (without it the faked time ticks on, and a slow machine made the key one second younger).
        using var gpg = new GpgHome();
        var (code, _, error) = await gpg.RunAsync(["--faked-system-time", "20200101T000000!", "--quick-gen-key", "Old Partner <old@partner.test>", "ed25519", "sign,cert", "1y"], Ct);
        Assert.True(code == 0, error);
        var (listCode, listing, _) = await gpg.RunAsync(["--with-colons", "--list-keys", "old@partner.test"], Ct);
        Assert.Equal(0, listCode);
        var fingerprint = listing.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        (code, _, error) = await gpg.RunAsync(["--faked-system-time", "20200101T000100!", "--quick-add-key", fingerprint, "cv25519", "encr", "1y"], Ct);
        Assert.True(code == 0, error);
        var (exportCode, armored, _) = await gpg.RunAsync(["--armor", "--export", "old@partner.test"], Ct);
        Assert.Equal(0, exportCode);

        var keyring = TestKeys.NewKeyring(_dir, null);
        var info = Assert.Single(keyring.Import(new MemoryStream(Encoding.ASCII.GetBytes(armored)), allowSecret: false));
        // "1y" is 365 days for gpg, and 2020 is a leap year.
        Assert.Equal(new DateTimeOffset(2020, 12, 31, 0, 0, 0, TimeSpan.Zero), info.Expires);
        Assert.True(info.CanEncrypt); // capable, but...
        Assert.Null(keyring.FindEncryptionKey("old@partner.test")); // ...not usable now
    }
}
