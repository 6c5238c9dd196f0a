using Vigie.Features.Pgp;
using Vigie.Tests.Cli;

namespace Vigie.Tests.Pgp;

/// <summary><c>vigie pgp import-key</c> and <c>vigie pgp list</c>, run as the real binary.</summary>
public sealed class PgpCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigie-pgp-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string> Settings(string? passphraseFile = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Vigie:DataDirectory"] = _dir,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (passphraseFile is not null)
        {
            settings["Vigie:Pgp:PassphraseFile"] = passphraseFile;
        }
        return settings;
    }

    [Fact]
    public async Task Import_key_prints_the_fingerprint_and_list_shows_it()
    {
        var (code, output, error) = await CliTests.Run(Settings(), null, "pgp", "import-key", TestKeys.File("alice.pub.asc"));
        Assert.True(code == 0, error);
        Assert.Contains(TestKeys.AliceFingerprint, output);
        Assert.Contains("alice@partner.test", output);
        Assert.Contains("1 key(s) imported", output);

        var secret = await CliTests.Run(Settings(TestKeys.File("team.passphrase")), null, "pgp", "import-key", "--secret", TestKeys.File("team-ed.sec.asc"));
        Assert.True(secret.Code == 0, secret.Err);
        Assert.Contains(TestKeys.TeamEdFingerprint, secret.Out);

        var list = await CliTests.Run(Settings(), null, "pgp", "list");
        Assert.True(list.Code == 0, list.Err);
        Assert.Contains(TestKeys.AliceFingerprint, list.Out);
        Assert.Contains(TestKeys.TeamEdFingerprint, list.Out);
        Assert.Contains("secret sign encrypt", list.Out);
        Assert.Contains("public sign encrypt", list.Out);
    }

    [Fact]
    public async Task Bad_input_exits_1_with_a_readable_message()
    {
        var missing = await CliTests.Run(Settings(), null, "pgp", "import-key", "/nonexistent/key.asc");
        Assert.Equal(1, missing.Code);
        Assert.Contains("does not exist", missing.Err);

        var secretWithoutFlag = await CliTests.Run(Settings(), null, "pgp", "import-key", TestKeys.File("alice.sec.asc"));
        Assert.Equal(1, secretWithoutFlag.Code);
        Assert.Contains("--secret", secretWithoutFlag.Err);

        var wrongPassphraseFile = Path.Combine(_dir, "wrong-passphrase");
        await File.WriteAllTextAsync(wrongPassphraseFile, "Sentinel-Not-The-Passphrase\n", TestContext.Current.CancellationToken);
        var wrong = await CliTests.Run(Settings(wrongPassphraseFile), null, "pgp", "import-key", "--secret", TestKeys.File("team.sec.asc"));
        Assert.Equal(1, wrong.Code);
        Assert.Contains("passphrase does not unlock", wrong.Err);
        Assert.DoesNotContain("Sentinel-Not-The-Passphrase", wrong.Err + wrong.Out);
        Assert.DoesNotContain("   at ", wrong.Err);

        var noFile = await CliTests.Run(Settings(Path.Combine(_dir, "no-such-file")), null, "pgp", "list");
        Assert.Equal(1, noFile.Code);
        Assert.Contains($"{PgpOptions.Section}:PassphraseFile", noFile.Err);
    }
}
