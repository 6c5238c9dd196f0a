using System.Text;
using Microsoft.Extensions.Options;
using Vigie.Features.Pgp;
using Vigie.Features.TeamProfile;

namespace Vigie.Tests.Pgp;

/// <summary>
/// The team's document signatures, checked by real GnuPG: cleartext and detached signatures verify
/// byte for byte, and fail on a one-byte change.
/// </summary>
public sealed class TeamSignerTests(TeamKeyring team) : IClassFixture<TeamKeyring>, IDisposable
{
    private readonly GpgHome _gpg = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _gpg.Dispose();

    // Dash-escaping, an empty line, accents, a line that looks like armor, and a document ending in a line break.
    private const string Document = "RFC 2350 — CSIRT Test Team\n\n-- dash line\n- bullet\n-----BEGIN PGP SIGNATURE-----\nÉté, 09:00–18:00\n";

    private TeamSigner Signer(string incidentEmail) =>
        new(team.Keyring, Options.Create(new TeamProfileOptions { IncidentEmail = incidentEmail }));

    [Theory]
    [InlineData("cert@csirt.test", TestKeys.TeamFingerprint)]
    [InlineData("cert-ed@csirt.test", TestKeys.TeamEdFingerprint)]
    public async Task Clear_signature_verifies_with_gpg_and_gives_back_the_text(string email, string fingerprint)
    {
        var signer = Signer(email);
        Assert.Equal(fingerprint, signer.Key!.Fingerprint);
        var signed = signer.ClearSign(Document)!;

        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nRFC 2350", signed);
        // No "Version: BouncyCastle…" armor header: the signature does not advertise the library.
        Assert.Contains("\n-----BEGIN PGP SIGNATURE-----\n\n", signed, StringComparison.Ordinal);
        Assert.DoesNotContain("Version:", signed, StringComparison.Ordinal);
        Assert.Contains("\n- -- dash line\n- - bullet\n- -----BEGIN PGP SIGNATURE-----\n", signed);
        var path = _gpg.NewPath("txt.asc");
        await File.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes(signed), Ct);
        var (code, status, error) = await _gpg.RunAsync(["--status-fd", "1", "--verify", path], Ct);
        Assert.True(code == 0, error);
        Assert.Contains($"VALIDSIG {fingerprint}", status);

        // What the signature covers comes back intact (gpg writes the text without the final line end's CR).
        var text = await _gpg.TransformAsync(signed, Ct, "--decrypt");
        Assert.Equal(Document, text);
    }

    [Fact]
    public async Task One_changed_byte_in_a_clear_signed_text_fails_verification()
    {
        var signed = Signer("cert@csirt.test").ClearSign(Document)!;
        var tampered = signed.Replace("09:00", "09:01", StringComparison.Ordinal);
        var path = _gpg.NewPath("txt.asc");
        await File.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes(tampered), Ct);
        var (code, status, _) = await _gpg.RunAsync(["--status-fd", "1", "--verify", path], Ct);
        Assert.NotEqual(0, code);
        Assert.Contains("BADSIG", status);
    }

    [Theory]
    [InlineData("cert@csirt.test", TestKeys.TeamFingerprint)]
    [InlineData("cert-ed@csirt.test", TestKeys.TeamEdFingerprint)]
    public async Task Detached_signature_verifies_the_exact_bytes_and_not_one_byte_more(string email, string fingerprint)
    {
        var bytes = Encoding.UTF8.GetBytes(Document);
        var signature = Signer(email).DetachedSign(bytes)!;
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----\n", signature);
        var sig = _gpg.NewPath("sig");
        var file = _gpg.NewPath("txt");
        await File.WriteAllTextAsync(sig, signature, Ct);
        await File.WriteAllBytesAsync(file, bytes, Ct);
        var (code, status, error) = await _gpg.RunAsync(["--status-fd", "1", "--verify", sig, file], Ct);
        Assert.True(code == 0, error);
        Assert.Contains($"VALIDSIG {fingerprint}", status);

        bytes[^2] ^= 1;
        await File.WriteAllBytesAsync(file, bytes, Ct);
        (code, status, _) = await _gpg.RunAsync(["--status-fd", "1", "--verify", sig, file], Ct);
        Assert.NotEqual(0, code);
        Assert.Contains("BADSIG", status);
    }

    [Fact]
    public async Task The_published_key_imports_into_gpg_with_the_same_fingerprint()
    {
        var key = Signer("cert@csirt.test").Key!;
        Assert.Equal("7A29 DA83 7DE7 A304 3FBB B7BD B8CF D9AF A5FE 34CC", key.GroupedFingerprint);
        Assert.Equal(TestKeys.TeamFingerprint[^16..], key.KeyId);
        Assert.DoesNotContain("PRIVATE", key.Armored, StringComparison.Ordinal);
        using var other = new GpgHome();
        var path = other.NewPath("asc");
        await File.WriteAllTextAsync(path, key.Armored, Ct);
        var (code, status, error) = await other.RunAsync(["--status-fd", "1", "--import", path], Ct);
        Assert.True(code == 0, error);
        Assert.Contains($"IMPORT_OK", status);
        Assert.Contains(TestKeys.TeamFingerprint, status);
    }

    [Fact]
    public void Without_a_team_key_nothing_is_signed()
    {
        var dir = Directory.CreateTempSubdirectory("vigie-nokey-").FullName;
        try
        {
            var signer = new TeamSigner(TestKeys.NewKeyring(dir, null), Options.Create(new TeamProfileOptions { IncidentEmail = "cert@csirt.test" }));
            Assert.Null(signer.Key);
            Assert.Null(signer.ClearSign(Document));
            Assert.Null(signer.DetachedSign(Encoding.UTF8.GetBytes(Document)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
