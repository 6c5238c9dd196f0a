using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Vigie.Data;
using Vigie.Features.Pgp;
using Vigie.Tests.Cli;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Pgp;

namespace Vigie.Tests.PublicSite;

/// <summary>
/// The host with the team's secret key in its keyring (the test team key, cert@csirt.test), a public
/// address and one announcement recipient: the RFC 2350 document as served, signed and versioned.
/// </summary>
public abstract class Rfc2350App : VigieApp
{
    public const string Announce = "announce@partner.test";

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        ["Vigie:Pgp:PassphraseFile"] = TestKeys.File("team.passphrase"),
        ["Vigie:PublicSite:PublicUrl"] = "https://csirt.example.test/",
        ["Vigie:PublicSite:Rfc2350:NotifyRecipients:0"] = Announce,
    };

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // gpg refuses a signature dated before its key was made (the test keys are from November 2026).
        Time.SetUtcNow(TimeProvider.System.GetUtcNow());
        if (!Unavailable)
        {
            Services.GetRequiredService<PgpKeyring>().Import("team.sec.asc", secret: true);
        }
    }
}

public sealed class Rfc2350SqliteApp : Rfc2350App
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class Rfc2350PostgresApp : Rfc2350App
{
    public override Provider Provider => Provider.Postgres;
}

public abstract class Rfc2350ApiTests(Rfc2350App app) : IDisposable
{
    private readonly GpgHome _gpg = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _gpg.Dispose();

    private async Task<(HttpStatusCode Status, byte[] Body, string? Type)> GetAsync(string path)
    {
        using var response = await app.Client(null).GetAsync(path, Ct);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(Ct), response.Content.Headers.ContentType?.ToString());
    }

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private async Task<string> TextAsync(string path)
    {
        var (status, body, _) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {status} {Encoding.UTF8.GetString(body)}");
        return Encoding.UTF8.GetString(body);
    }

    private async Task<(int Code, string Status)> VerifyAsync(params (string Name, byte[] Content)[] files)
    {
        var paths = new List<string>();
        foreach (var (name, content) in files)
        {
            var path = _gpg.NewPath(name);
            await File.WriteAllBytesAsync(path, content, Ct);
            paths.Add(path);
        }
        var (code, status, _) = await _gpg.RunAsync(["--status-fd", "1", "--verify", .. paths], Ct);
        return (code, status);
    }

    [Fact]
    public async Task The_served_text_and_its_signatures_verify_with_gpg_byte_for_byte_and_fail_on_one_changed_byte()
    {
        var (status, text, type) = await GetAsync("/rfc2350/rfc2350-fr.txt");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/plain; charset=utf-8", type);
        var document = Encoding.UTF8.GetString(text);
        // The document names the key that signs it, not the profile's (which the team does not hold here).
        Assert.Contains("Empreinte : " + TestKeys.TeamFingerprint, document, StringComparison.Ordinal);
        Assert.Contains("KeyID : B8CF D9AF A5FE 34CC", document, StringComparison.Ordinal);
        Assert.Contains("Lien : Contact - Cegedim Cloud (https://csirt.example.test/contact)", document, StringComparison.Ordinal);

        var clear = (await GetAsync("/rfc2350/rfc2350-fr.txt.asc")).Body;
        var (code, gpgStatus) = await VerifyAsync(("txt.asc", clear));
        Assert.True(code == 0, gpgStatus + Encoding.UTF8.GetString(clear));
        Assert.Contains($"VALIDSIG {TestKeys.TeamFingerprint}", gpgStatus);
        // What the clear signature covers is the served text itself.
        Assert.Equal(document, await _gpg.TransformAsync(Encoding.UTF8.GetString(clear), Ct, "--decrypt"));

        var sig = await GetAsync("/rfc2350/rfc2350-fr.txt.sig");
        Assert.Equal("application/pgp-signature", sig.Type);
        (code, gpgStatus) = await VerifyAsync(("sig", sig.Body), ("txt", text));
        Assert.True(code == 0, gpgStatus);
        Assert.Contains($"VALIDSIG {TestKeys.TeamFingerprint}", gpgStatus);

        var tampered = (byte[])text.Clone();
        var at = document.IndexOf("9h00", StringComparison.Ordinal);
        tampered[Encoding.UTF8.GetByteCount(document[..at])] = (byte)'8';
        (code, gpgStatus) = await VerifyAsync(("sig", sig.Body), ("txt", tampered));
        Assert.NotEqual(0, code);
        Assert.Contains("BADSIG", gpgStatus);
        var clearTampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(clear).Replace("18h00", "19h00", StringComparison.Ordinal));
        (code, gpgStatus) = await VerifyAsync(("txt.asc", clearTampered));
        Assert.NotEqual(0, code);
        Assert.Contains("BADSIG", gpgStatus);

        // The English text is served and signed too.
        var english = await TextAsync("/rfc2350/rfc2350-en.txt");
        Assert.Contains("1 DOCUMENT INFORMATION", english, StringComparison.Ordinal);
        (code, gpgStatus) = await VerifyAsync(("txt.asc", (await GetAsync("/rfc2350/rfc2350-en.txt.asc")).Body));
        Assert.True(code == 0, gpgStatus);
    }

    [Fact]
    public async Task The_public_page_shows_the_document_the_files_and_the_fingerprint_without_sign_in()
    {
        var (status, body, type) = await GetAsync("/rfc2350/fr");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("text/html", type, StringComparison.Ordinal);
        var html = Encoding.UTF8.GetString(body);
        Assert.Contains("<h2>2 LES INFORMATIONS DE CONTACT DU CSIRT</h2>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/rfc2350/rfc2350-fr.txt.asc\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/rfc2350/rfc2350-fr.txt.sig\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/team-key.asc\"", html, StringComparison.Ordinal);
        Assert.Contains("7A29 DA83 7DE7 A304 3FBB B7BD B8CF D9AF A5FE 34CC", html, StringComparison.Ordinal);

        using var redirect = app.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        // The reader's language is the one chosen with the FR/EN switch (a cookie), not the browser's.
        (await redirect.GetAsync("/culture/en?returnUrl=/rfc2350", Ct)).Dispose();
        using var home = await redirect.GetAsync("/rfc2350", Ct);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.Equal("/rfc2350/en", home.Headers.Location?.ToString());

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/rfc2350/rfc2350-de.txt")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/rfc2350/9.9/rfc2350-fr.txt")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/rfc2350/de")).Status);
        // Staff pages and the API are not public.
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/api/v1/rfc2350/versions")).Status);
    }

    [Fact]
    public async Task A_changed_profile_shows_in_the_next_version_only_and_the_old_one_stays_served()
    {
        var before = await TextAsync("/rfc2350/rfc2350-fr.txt");
        Assert.Contains("Version 1.0 du 08/05/2025", before, StringComparison.Ordinal);

        // Nothing changed: publishing is refused unless asked for a reviewed, unchanged version.
        var unchanged = await app.Client("lead").PostJson("/api/v1/rfc2350/versions", new { changes = new { fr = "Relecture" } })
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Contains("nothing to publish", unchanged["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // An analyst may not publish the team's public document at all.
        var forbidden = await app.Client("analyst").PostJson("/api/v1/rfc2350/versions", new { changes = new { fr = "x" }, allowUnchanged = true });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        // The operator changes the team's mission and publishes from the command line.
        var settings = new Dictionary<string, string>(app.Settings())
        {
            ["Vigie:Team:Mission:fr"] = "Protéger les infrastructures de cegedim.cloud et de ses clients, jour et nuit.",
            ["Vigie:Team:Mission:en"] = "Protect the infrastructures of cegedim.cloud and its customers, day and night.",
            ["Vigie:Pgp:PassphraseFile"] = TestKeys.File("team.passphrase"),
        };
        var (code, output, error) = await CliTests.Run(settings, null, "rfc2350", "publish", "--changes", "Mission reformulée", "--changes-in", "en=Mission reworded", "--by", "lead@csirt.test");
        Assert.True(code == 0, output + error);
        Assert.Contains("RFC 2350 version 1.1 published", output, StringComparison.Ordinal);
        Assert.Contains("announced to 1 recipient(s)", output, StringComparison.Ordinal);

        var after = await TextAsync("/rfc2350/rfc2350-fr.txt");
        Assert.Contains("jour et nuit", Flat(after), StringComparison.Ordinal);
        Assert.Contains("Version 1.1 du ", after, StringComparison.Ordinal);
        Assert.Contains("1.0      08/05/2025  Création du document RFC 2350", after, StringComparison.Ordinal);
        Assert.Contains("Mission reformulée", after, StringComparison.Ordinal);
        Assert.Contains("day and night", Flat(await TextAsync("/rfc2350/rfc2350-en.txt")), StringComparison.Ordinal);
        // Version 1.0 is kept exactly as it was published, and still verifies.
        Assert.Equal(before, await TextAsync("/rfc2350/1.0/rfc2350-fr.txt"));
        var (verify, status) = await VerifyAsync(("txt.asc", (await GetAsync("/rfc2350/1.0/rfc2350-fr.txt.asc")).Body));
        Assert.True(verify == 0, status + Encoding.UTF8.GetString((await GetAsync("/rfc2350/1.0/rfc2350-fr.txt.asc")).Body));

        var history = await TextAsync("/rfc2350/fr/history");
        Assert.Contains("data-version=\"1.1\"", history, StringComparison.Ordinal);
        Assert.Contains("data-version=\"1.0\"", history, StringComparison.Ordinal);
        var diff = await TextAsync("/rfc2350/fr/diff/1.0/1.1");
        Assert.Contains("de ses clients, jour et", diff, StringComparison.Ordinal);
        Assert.Contains("class=\"ins\"", diff, StringComparison.Ordinal);
        Assert.Contains("class=\"del\"", diff, StringComparison.Ordinal);

        var versions = await app.Client("auditor").GetAsync("/api/v1/rfc2350/versions", Ct).Expect(HttpStatusCode.OK);
        Assert.Equal(["1.1", "1.1", "1.0", "1.0"], versions.AsArray().Select(v => v!["version"]!.GetValue<string>()));
        Assert.All(versions.AsArray(), v => Assert.True(v!["signed"]!.GetValue<bool>()));

        // The announcement: queued once, signed by the team (PGP/MIME), the signed texts attached.
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var mail = await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.Subject.Contains("RFC 2350"), Ct);
        Assert.Contains(Rfc2350App.Announce, mail.Recipients, StringComparison.Ordinal);
        Assert.Contains("version 1.1", mail.Subject, StringComparison.Ordinal);
        await using var raw = scope.ServiceProvider.GetRequiredService<BlobStore>().OpenRead(mail.Sha256);
        var message = await MimeMessage.LoadAsync(raw, Ct);
        Assert.Empty(message.Bcc);
        var signed = Assert.IsType<MimeKit.Cryptography.MultipartSigned>(message.Body);
        var content = Assert.IsType<Multipart>(signed[0]);
        Assert.Equal(["rfc2350-fr.txt.asc", "rfc2350-en.txt.asc"], content.OfType<MimePart>().Where(p => p.IsAttachment).Select(p => p.FileName));
        Assert.Contains("https://csirt.example.test/rfc2350/fr", ((TextPart)content[0]).Text, StringComparison.Ordinal);

        // The host still runs the old profile: for it, the published 1.1 differs from its draft.
        var draft = await app.Client("analyst").GetAsync("/api/v1/rfc2350/draft?lang=fr", Ct).Expect(HttpStatusCode.OK);
        Assert.True(draft["changed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Publishing_refuses_bad_input_with_the_field_named()
    {
        var lead = app.Client("lead");
        var problem = await lead.PostJson("/api/v1/rfc2350/versions", new { changes = new { fr = "Ligne 1\nLigne 2" }, allowUnchanged = true })
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("one line", problem["errors"]!["changes.fr"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        problem = await lead.PostJson("/api/v1/rfc2350/versions", new { changes = new { fr = "ok" }, version = "0.9", allowUnchanged = true })
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("is not after the latest version", problem["errors"]!["version"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        problem = await lead.PostJson("/api/v1/rfc2350/versions", new { changes = new { fr = "ok" }, version = "v2; drop", allowUnchanged = true })
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("not a version number", problem["errors"]!["version"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        problem = await lead.PostJson("/api/v1/rfc2350/versions", new { changes = new { en = "English only" }, allowUnchanged = true })
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("changes.fr", problem["errors"]!.AsObject().Select(e => e.Key));
        problem = await lead.PostJson("/api/v1/rfc2350/versions", new { changes = new { fr = new string('x', 501) }, allowUnchanged = true })
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("at most 500", problem["errors"]!["changes.fr"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        problem = await lead.PostJson("/api/v1/rfc2350/versions", new { changes = new { fr = "ok", de = "gut" }, allowUnchanged = true })
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Contains("changes.de", problem["errors"]!.AsObject().Select(e => e.Key));
        // Nothing of it was published.
        var versions = await app.Client("auditor").GetAsync("/api/v1/rfc2350/versions", Ct).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(versions.AsArray(), v => v!["version"]!.GetValue<string>() is "0.9" or "v2; drop");
    }
}

public sealed class Rfc2350SqliteTests(Rfc2350SqliteApp app) : Rfc2350ApiTests(app), IClassFixture<Rfc2350SqliteApp>;

public sealed class Rfc2350PostgresTests(Rfc2350PostgresApp app) : Rfc2350ApiTests(app), IClassFixture<Rfc2350PostgresApp>;
