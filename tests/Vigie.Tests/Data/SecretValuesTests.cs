using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigie.Data;
using Vigie.Features.Pgp;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Pgp;

namespace Vigie.Tests.Data;

/// <summary>Secrets at rest: protected with the installation's keys by the CLI, read by the host, refused at start when unreadable.</summary>
public sealed class SecretValuesTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_secret_protected_by_the_cli_is_read_by_the_host_and_never_shown()
    {
        var (code, output, error) = await CliTests.Run(app.Settings(), "webhook-s3cret-value\n", "secret", "protect");
        Assert.True(code == 0, error);
        var protectedValue = output.Trim();
        Assert.StartsWith(SecretValues.Prefix, protectedValue, StringComparison.Ordinal);
        Assert.DoesNotContain("webhook-s3cret-value", output + error, StringComparison.Ordinal);
        var secrets = app.Services.GetRequiredService<SecretValues>();
        Assert.Equal("webhook-s3cret-value", secrets.Reveal(protectedValue, "test"));
        Assert.Equal("plain", secrets.Reveal("plain", "test"));

        var altered = protectedValue[..^4] + (protectedValue[^4] == 'A' ? "BBBB" : "AAAA");
        var e = Assert.Throws<SecretUnreadableException>(() => secrets.Reveal(altered, "Vigie:OnCall:Webhook:Secret"));
        Assert.StartsWith("Vigie:OnCall:Webhook:Secret: the protected value cannot be decrypted", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(altered, e.Message, StringComparison.Ordinal);

        (code, _, error) = await CliTests.Run(app.Settings(), "", "secret", "protect");
        Assert.Equal(2, code);
        Assert.Contains("give the secret on standard input", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_team_key_unlocks_with_a_protected_passphrase_file()
    {
        var secrets = app.Services.GetRequiredService<SecretValues>();
        var dir = Directory.CreateTempSubdirectory("vigie-protected-").FullName;
        try
        {
            var file = Path.Combine(dir, "passphrase");
            File.WriteAllText(file, secrets.Protect(File.ReadAllText(TestKeys.File("team.passphrase")).TrimEnd('\n')) + "\n");
            var keyring = new PgpKeyring(Options.Create(new VigieOptions { DataDirectory = dir }), Options.Create(new PgpOptions { PassphraseFile = file }),
                TimeProvider.System, NullLogger<PgpKeyring>.Instance, secrets);
            keyring.Import("team.sec.asc", secret: true);
            Assert.Equal(TestKeys.TeamFingerprint, keyring.FindTeamSigningKey("cert@csirt.test")?.Fingerprint);

            // Without the keys, the same file is a clear refusal naming it.
            var blind = new PgpKeyring(Options.Create(new VigieOptions { DataDirectory = dir }), Options.Create(new PgpOptions { PassphraseFile = file }),
                TimeProvider.System, NullLogger<PgpKeyring>.Instance);
            var refused = Assert.Throws<PgpImportException>(() => blind.Import("team-ed.sec.asc", secret: true));
            Assert.Contains(file, refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_protected_value_these_keys_cannot_open_stops_the_start_with_its_key_named()
    {
        var builder = VigieHost.CreateBuilder([], new Dictionary<string, string?>(app.Settings().ToDictionary(k => k.Key, k => (string?)k.Value))
        {
            ["Vigie:OnCall:Webhook:Secret"] = SecretValues.Prefix + "CfDJ8NotMadeHere",
        });
        await using var host = builder.Build();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(Ct));
        Assert.Contains("Vigie:OnCall:Webhook:Secret: the protected value cannot be decrypted", e.Message, StringComparison.Ordinal);
    }
}
