using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigie.Core.PublicSite;
using Vigie.Features.PublicSite;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Pgp;

namespace Vigie.Tests.PublicSite;

/// <summary>The host with the test team key (RSA-3072, cert@csirt.test) in its keyring; no PublicUrl, so addresses follow the request.</summary>
public sealed class SignedSiteApp : VigieApp
{
    public override Provider Provider => Provider.Sqlite;

    public override ValueTask InitializeAsync()
    {
        // Signatures must not predate the test key (made when the test data was generated): start the fake clock now.
        Time.SetUtcNow(TimeProvider.System.GetUtcNow());
        TestKeys.NewKeyring(DataDirectory, TestKeys.File("team.passphrase")).Import("team.sec.asc", secret: true);
        return base.InitializeAsync();
    }

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        ["Vigie:Pgp:PassphraseFile"] = TestKeys.File("team.passphrase"),
    };
}

/// <summary>The host without a team key, with a fixed security.txt expiry 10 days ahead and extra fields configured.</summary>
public sealed class UnsignedSiteApp : VigieApp
{
    public override Provider Provider => Provider.Sqlite;

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        ["Vigie:PublicSite:PublicUrl"] = "https://csirt.example.org/",
        ["Vigie:PublicSite:KeyPath"] = "/pgp/team.asc",
        ["Vigie:PublicSite:SecurityTxt:Expires"] = "2026-03-19",
        ["Vigie:PublicSite:SecurityTxt:Contacts:0"] = "tel:+33-1-23-45-67-89",
        ["Vigie:PublicSite:SecurityTxt:Encryption:0"] = "openpgp4fpr:7A29DA837DE7A3043FBBB7BDB8CFD9AFA5FE34CC",
        ["Vigie:PublicSite:SecurityTxt:Policy:0"] = "https://csirt.example.org/disclosure",
        ["Vigie:PublicSite:SecurityTxt:Acknowledgments"] = "https://csirt.example.org/thanks",
        ["Vigie:PublicSite:SecurityTxt:Hiring"] = "https://jobs.example.org/csirt",
    };
}

/// <summary>security.txt and the team key as served: RFC 9116 checked by the strict parser, signatures checked by real gpg.</summary>
public sealed class SecurityTxtSignedTests(SignedSiteApp app) : IClassFixture<SignedSiteApp>, IDisposable
{
    private readonly GpgHome _gpg = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _gpg.Dispose();

    private async Task<(string Status, int Code)> GpgVerifyAsync(byte[] bytes)
    {
        var path = _gpg.NewPath("txt");
        await File.WriteAllBytesAsync(path, bytes, Ct);
        var (code, status, _) = await _gpg.RunAsync(["--status-fd", "1", "--verify", path], Ct);
        return (status, code);
    }

    [Fact]
    public async Task Served_at_both_places_clear_signed_and_gpg_verifies_the_bytes_as_served()
    {
        var client = app.Client(null);
        var response = await client.GetAsync("/.well-known/security.txt", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble));

        var (status, code) = await GpgVerifyAsync(bytes);
        Assert.True(code == 0, status);
        Assert.Contains($"VALIDSIG {TestKeys.TeamFingerprint}", status);

        var now = app.Time.GetUtcNow();
        var parsed = SecurityTxtParser.Parse(Encoding.UTF8.GetString(bytes), now);
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        Assert.True(parsed.Signed);
        Assert.Equal(["mailto:incident-csirt-cc@cegedim.com", "http://localhost/contact"], parsed.Values("Contact"));
        Assert.Equal(new DateTimeOffset(now.UtcDateTime.Date.AddDays(180), TimeSpan.Zero), parsed.Expires);
        Assert.Equal(["http://localhost/team-key.asc"], parsed.Values("Encryption"));
        Assert.Equal(["fr", "en"], parsed.PreferredLanguages);
        Assert.Equal(["http://localhost/.well-known/security.txt", "http://localhost/security.txt"], parsed.Values("Canonical"));
        Assert.Equal(["http://localhost/rfc2350"], parsed.Values("Policy"));
        Assert.Empty(parsed.Values("Hiring"));
        Assert.Contains("7A29 DA83 7DE7 A304 3FBB B7BD B8CF D9AF A5FE 34CC", parsed.SignedText);

        var legacy = await client.GetByteArrayAsync("/security.txt", Ct);
        Assert.Equal(bytes, legacy);
    }

    [Fact]
    public async Task One_changed_byte_in_the_served_file_fails_gpg_verification()
    {
        var bytes = await app.Client(null).GetByteArrayAsync("/.well-known/security.txt", Ct);
        var text = Encoding.UTF8.GetString(bytes);
        var at = text.IndexOf("mailto:", StringComparison.Ordinal) + "mailto:".Length;
        bytes[Encoding.UTF8.GetByteCount(text[..at])] ^= 0x01; // 'i' → 'h': another address, same length
        var (status, code) = await GpgVerifyAsync(bytes);
        Assert.NotEqual(0, code);
        Assert.Contains("BADSIG", status);
    }

    [Fact]
    public async Task Expires_is_renewed_the_next_day_and_the_new_file_is_signed_too()
    {
        var client = app.Client(null);
        var before = SecurityTxtParser.Parse(await client.GetStringAsync("/.well-known/security.txt", Ct)).Expires;
        app.Time.Advance(TimeSpan.FromDays(1));
        var bytes = await client.GetByteArrayAsync("/.well-known/security.txt", Ct);
        var after = SecurityTxtParser.Parse(Encoding.UTF8.GetString(bytes), app.Time.GetUtcNow());
        Assert.True(after.IsValid, string.Join("\n", after.Errors));
        Assert.Equal(before!.Value.AddDays(1), after.Expires);
        var (status, code) = await GpgVerifyAsync(bytes);
        Assert.True(code == 0, status);
    }

    [Fact]
    public async Task The_public_key_is_served_anonymously_and_gpg_imports_the_team_fingerprint()
    {
        var response = await app.Client(null).GetAsync("/team-key.asc", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pgp-keys", response.Content.Headers.ContentType!.MediaType);
        var armored = await response.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", armored);
        Assert.DoesNotContain("PRIVATE", armored, StringComparison.Ordinal);

        using var other = new GpgHome();
        var path = other.NewPath("asc");
        await File.WriteAllTextAsync(path, armored, Ct);
        var (code, status, error) = await other.RunAsync(["--status-fd", "1", "--import", path], Ct);
        Assert.True(code == 0, error);
        Assert.Contains($"IMPORT_OK 0 {TestKeys.TeamFingerprint}", status.Replace("IMPORT_OK 1 ", "IMPORT_OK 0 ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_dashboard_warns_that_the_profile_names_another_key_than_the_signing_one()
    {
        // The shipped profile names cegedim.cloud's real key; the test key signs.
        var warnings = app.Services.GetRequiredService<PublicFaceStatus>().Warnings();
        var mismatch = Assert.Single(warnings);
        Assert.Equal("profile-key-mismatch", mismatch.Code);
        Assert.Contains("7A29 DA83 7DE7 A304 3FBB B7BD B8CF D9AF A5FE 34CC", mismatch.Message);
    }

    [Fact]
    public async Task Render_command_prints_the_signed_file_for_the_given_address_and_nothing_else()
    {
        var settings = new Dictionary<string, string>(app.Settings()) { ["Logging:LogLevel:Default"] = "Information" };
        var missing = await CliTests.Run(settings, null, "securitytxt", "render");
        Assert.Equal(1, missing.Code);
        Assert.Contains("Vigie:PublicSite:PublicUrl", missing.Err);
        Assert.Contains("--url", missing.Err);

        var bad = await CliTests.Run(settings, null, "securitytxt", "render", "--url", "ftp://csirt.example.org/");
        Assert.Equal(1, bad.Code);
        Assert.Contains("not an absolute https URL", bad.Err);

        var (code, output, error) = await CliTests.Run(settings, null, "securitytxt", "render", "--url", "https://csirt.example.org/");
        Assert.True(code == 0, error);
        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----\n", output);
        Assert.EndsWith("-----END PGP SIGNATURE-----\n", output);
        // The CLI runs on the real clock: check the parse against it.
        var parsed = SecurityTxtParser.Parse(output, TimeProvider.System.GetUtcNow());
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        Assert.Equal(["mailto:incident-csirt-cc@cegedim.com", "https://csirt.example.org/contact"], parsed.Values("Contact"));
        Assert.Equal(["https://csirt.example.org/team-key.asc"], parsed.Values("Encryption"));
        var (status, verify) = await GpgVerifyAsync(Encoding.UTF8.GetBytes(output));
        Assert.True(verify == 0, status);
        Assert.Contains($"VALIDSIG {TestKeys.TeamFingerprint}", status);
    }
}

/// <summary>Without a team key: served unsigned, the key path answers a readable 404, and the dashboard says so; a fixed Expires close by is warned about.</summary>
public sealed class SecurityTxtUnsignedTests(UnsignedSiteApp app) : IClassFixture<UnsignedSiteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Served_unsigned_with_every_configured_field_and_the_fixed_expiry()
    {
        var text = await app.Client(null).GetStringAsync("/.well-known/security.txt", Ct);
        Assert.DoesNotContain("BEGIN PGP", text, StringComparison.Ordinal);
        var parsed = SecurityTxtParser.Parse(text, app.Time.GetUtcNow());
        Assert.True(parsed.IsValid, string.Join("\n", parsed.Errors));
        Assert.False(parsed.Signed);
        Assert.Equal(["mailto:incident-csirt-cc@cegedim.com", "https://csirt.example.org/contact", "tel:+33-1-23-45-67-89"], parsed.Values("Contact"));
        Assert.Equal(new DateTimeOffset(2026, 3, 19, 0, 0, 0, TimeSpan.Zero), parsed.Expires);
        Assert.Equal(["https://csirt.example.org/pgp/team.asc", "openpgp4fpr:7A29DA837DE7A3043FBBB7BDB8CFD9AFA5FE34CC"], parsed.Values("Encryption"));
        Assert.Equal(["https://csirt.example.org/.well-known/security.txt", "https://csirt.example.org/security.txt"], parsed.Values("Canonical"));
        Assert.Equal(["https://csirt.example.org/rfc2350", "https://csirt.example.org/disclosure"], parsed.Values("Policy"));
        Assert.Equal(["https://csirt.example.org/thanks"], parsed.Values("Acknowledgments"));
        Assert.Equal(["https://jobs.example.org/csirt"], parsed.Values("Hiring"));
    }

    [Fact]
    public async Task The_key_path_answers_a_readable_404_in_the_reader_s_language()
    {
        var response = await app.Client(null).GetAsync("/pgp/team.asc", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("L'équipe n'a pas encore publié de clé OpenPGP.\n", await response.Content.ReadAsStringAsync(Ct));

        var english = new HttpRequestMessage(HttpMethod.Get, "/pgp/team.asc");
        english.Headers.Add("Cookie", "vigie.culture=c%3Den%7Cuic%3Den");
        var en = await app.Client(null).SendAsync(english, Ct);
        Assert.Equal(HttpStatusCode.NotFound, en.StatusCode);
        Assert.Equal("The team has not published an OpenPGP key yet.\n", await en.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public void The_dashboard_warns_of_the_missing_key_and_of_the_expiry_within_30_days()
    {
        var codes = app.Services.GetRequiredService<PublicFaceStatus>().Warnings();
        Assert.Equal(["no-team-key", "securitytxt-expiring"], codes.Select(w => w.Code));
        Assert.Contains("vigie pgp init-team-key", codes[0].Message);
        Assert.Contains("2026-03-19", codes[1].Message);
        Assert.Contains("10", codes[1].Message);
    }
}

/// <summary>Configuration that would publish a stale or forged security.txt stops the host, naming the key.</summary>
public sealed class SecurityTxtStartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Builds and starts the real host (VigieHost, as <c>vigie serve</c> does) and returns why it refused to start.</summary>
    private static async Task<string> StartFailureAsync(IReadOnlyDictionary<string, string> extra)
    {
        var dir = Directory.CreateTempSubdirectory("vigie-sectxt-start-").FullName;
        try
        {
            var overrides = Settings(dir).Concat(extra).ToDictionary(p => p.Key, p => (string?)p.Value);
            overrides["urls"] = "http://127.0.0.1:0";
            var builder = VigieHost.CreateBuilder([], overrides);
            builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero)));
            await using var host = VigieHost.BuildApp(builder);
            var e = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Ct));
            return e is AggregateException a ? string.Join("\n", a.InnerExceptions.Select(x => x.Message)) : e.Message;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Dictionary<string, string> Settings(string dir) => new()
    {
        ["Vigie:DataDirectory"] = dir,
        ["Vigie:Database:Provider"] = "Sqlite",
        ["Vigie:Database:MigrateOnStart"] = "true",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Vigie:Smtp:Enabled"] = "false",
    };

    [Theory]
    [InlineData("Expires", "2026-03-01T00:00:00Z", "Vigie:PublicSite:SecurityTxt:Expires", "in the past")]
    [InlineData("Expires", "31/12/2026", "Vigie:PublicSite:SecurityTxt:Expires", "not an ISO 8601 date")]
    [InlineData("Contacts:0", "https://csirt.example.org/a\r\nExpires: 2099-01-01T00:00:00Z", "Vigie:PublicSite:SecurityTxt:Contacts:0", "line break")]
    [InlineData("Policy:0", "https://csirt.example.org/p\nContact: mailto:evil@example.net", "Vigie:PublicSite:SecurityTxt:Policy:0", "line break")]
    [InlineData("Hiring", "http://jobs.example.org/", "Vigie:PublicSite:SecurityTxt:Hiring", "https://")]
    [InlineData("ValidityDays", "400", "Vigie:PublicSite:SecurityTxt:ValidityDays", "between 1 and 365")]
    public async Task The_host_refuses_to_start_and_names_the_key(string key, string value, string named, string reason)
    {
        var message = await StartFailureAsync(new Dictionary<string, string> { [$"Vigie:PublicSite:SecurityTxt:{key}"] = value });
        Assert.Contains(named, message);
        Assert.Contains(reason, message);
    }

    [Fact]
    public async Task Vigie_serve_exits_1_with_the_key_named_when_Expires_is_in_the_past()
    {
        var dir = Directory.CreateTempSubdirectory("vigie-sectxt-serve-").FullName;
        try
        {
            var settings = Settings(dir);
            settings["Vigie:PublicSite:SecurityTxt:Expires"] = "2020-01-01";
            var (code, output, error) = await CliTests.Run(settings, null, "serve", "--urls", "http://127.0.0.1:0");
            Assert.Equal(1, code);
            Assert.Contains("Vigie:PublicSite:SecurityTxt:Expires: 2020-01-01T00:00:00Z is in the past", error + output);
            Assert.DoesNotContain("   at ", error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
