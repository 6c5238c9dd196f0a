using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Core.Advisories;
using Vigie.Features.Advisories;
using Vigie.Features.Vulnerabilities;
using Vigie.Tests.Cli;
using Vigie.Tests.Pgp;
using Vigie.Tests.PublicSite;

namespace Vigie.Tests.Advisories;

/// <summary>
/// Bulletins drafted from the fixture CVE records, exported as CSAF 2.0 and checked by the OASIS-listed validator;
/// published as a CSAF trusted provider (metadata, ROLIE feed, .sha512, .asc verified by gpg), TLP:CLEAR only.
/// The host holds the test team key (cert@csirt.test) and the public URL https://csirt.example.test/.
/// </summary>
public abstract class AdvisoryTests(Rfc2350App app) : IDisposable
{
    private readonly GpgHome _gpg = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _gpg.Dispose();

    private static readonly string[] Cves = ["CVE-2021-44228", "CVE-2023-25690", "CVE-2024-21762", "CVE-2024-6387", "CVE-2025-4565", "CVE-2021-26855", "CVE-2025-21631"];

    private async Task ImportAsync()
    {
        var dir = Directory.CreateTempSubdirectory("vigie-cves-");
        try
        {
            foreach (var id in Cves)
            {
                File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "cve", "records", id + ".json"), Path.Combine(dir.FullName, id + ".json"));
            }
            await using var scope = app.Scope();
            var result = await scope.ServiceProvider.GetRequiredService<VulnerabilityImport>().ImportAsync(dir.FullName, FeedFormat.Auto, null, Ct);
            Assert.Empty(result.Rejected);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private async Task<Advisory> DraftAsync(string cve, Func<AdvisoryDocument, AdvisoryDocument>? edit = null, bool publish = false)
    {
        await using var scope = app.Scope();
        var service = scope.ServiceProvider.GetRequiredService<AdvisoryService>();
        var advisory = (await service.DraftFromCveAsync(cve, new Vigie.Features.Audit.AuditActor(null, "analyst@csirt.test", null), "test", Ct)).Value!;
        if (edit is not null)
        {
            advisory.Set(edit(advisory.Document), app.Time.GetUtcNow());
            await scope.ServiceProvider.GetRequiredService<Vigie.Data.VigieDb>().SaveChangesAsync(Ct);
        }
        if (publish)
        {
            var published = await service.PublishAsync(advisory, "Initial publication", new Vigie.Features.Audit.AuditActor(null, "analyst@csirt.test", null), "test", Ct);
            Assert.True(published.IsSuccess, published.Error?.Message);
        }
        return advisory;
    }

    private static AdvisoryDocument Translated(AdvisoryDocument d) => d with
    {
        Fr = new AdvisoryText("Vulnérabilité critique : " + d.En.Title, "Une vulnérabilité permet à un attaquant distant d'exécuter du code.",
            "Appliquer la mise à jour de l'éditeur.", "Filtrer l'accès réseau au service."),
        En = d.En with { Recommendations = "Apply the vendor's update.", Workarounds = "Filter network access to the service." },
    };

    [Fact]
    public async Task Every_exported_document_passes_the_oasis_validator()
    {
        app.SkipIfUnavailable();
        CsafValidator.SkipUnlessAvailable();
        await ImportAsync();
        var files = new List<string>();
        await using (var scope = app.Scope())
        {
            var service = scope.ServiceProvider.GetRequiredService<AdvisoryService>();
            var i = 0;
            foreach (var cve in Cves)
            {
                var tlp = AdvisoryDocument.TlpLabels[i++ % AdvisoryDocument.TlpLabels.Length];
                var advisory = await DraftAsync(cve, d => Translated(d) with { Tlp = tlp }, publish: i % 2 == 0);
                advisory = (await service.FindAsync(advisory.TrackingId, Ct))!;
                if (AdvisoryService.Incomplete(advisory.Document) is not null)
                {
                    continue; // a CVE whose record names no product cannot make a bulletin
                }
                foreach (var lang in new[] { "en", "fr" })
                {
                    var path = _gpg.NewPath($"{lang}.json");
                    var csaf = service.Csaf(advisory, lang);
                    await File.WriteAllTextAsync(path, csaf, Ct);
                    files.Add(path);
                    // Vigie's own validator agrees (schema + its mandatory tests).
                    using var parsed = JsonDocument.Parse(csaf);
                    Assert.Empty(Vigie.Core.Csaf.CsafValidator.Validate(parsed.RootElement));
                }
            }
        }
        Assert.True(files.Count >= 12, $"only {files.Count} documents");
        var outcomes = await CsafValidator.ValidateAsync(files, Ct);
        Assert.Equal(files.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.IsValid && o.Errors.Count == 0 && o.Tests >= 30,
            $"{o.File} ({o.Tests} tests): {string.Join("; ", o.Errors)}\n{File.ReadAllText(o.File)[..Math.Min(4000, File.ReadAllText(o.File).Length)]}"));
    }

    [Fact]
    public async Task The_cli_drafts_publishes_and_exports()
    {
        app.SkipIfUnavailable();
        await ImportAsync();
        var (code, output, error) = await CliTests.Run(app.Settings(), null, "advisories", "draft", "--cve", "cve-2023-25690", "--publish");
        Assert.True(code == 0, error);
        var trackingId = output.Trim();
        Assert.Matches(@"^VIGIE-\d{4}-\d{4}$", trackingId);
        Assert.Contains("untranslated", error);
        (code, output, error) = await CliTests.Run(app.Settings(), null, "advisories", "export", trackingId, "--format", "csaf");
        Assert.True(code == 0, error);
        var csaf = JsonDocument.Parse(output).RootElement;
        Assert.Equal(trackingId, csaf.GetProperty("document").GetProperty("tracking").GetProperty("id").GetString());
        Assert.Equal(("final", "1"), (csaf.GetProperty("document").GetProperty("tracking").GetProperty("status").GetString(),
            csaf.GetProperty("document").GetProperty("tracking").GetProperty("version").GetString()));
        Assert.Equal("CVE-2023-25690", csaf.GetProperty("vulnerabilities")[0].GetProperty("cve").GetString());
        Assert.Contains("vers:semver/>=2.4.0|<=2.4.55", output);
        (code, _, error) = await CliTests.Run(app.Settings(), null, "advisories", "draft", "--cve", "CVE-1999-0001");
        Assert.Equal(2, code);
        Assert.Contains("CVE-1999-0001", error);
    }

    [Fact]
    public async Task Tlp_clear_bulletins_are_served_as_a_signed_csaf_provider_and_nothing_else()
    {
        app.SkipIfUnavailable();
        await ImportAsync();
        var clear = await DraftAsync("CVE-2021-44228", Translated, publish: true);
        var amber = await DraftAsync("CVE-2024-21762", d => Translated(d) with { Tlp = "AMBER" }, publish: true);
        var draft = await DraftAsync("CVE-2023-25690", Translated);
        var anonymous = app.Factory.CreateClient();

        var metadata = JsonDocument.Parse(await anonymous.GetStringAsync("/.well-known/csaf/provider-metadata.json", Ct)).RootElement;
        Assert.Equal("csaf_trusted_provider", metadata.GetProperty("role").GetString());
        Assert.Equal("https://csirt.example.test/.well-known/csaf/provider-metadata.json", metadata.GetProperty("canonical_url").GetString());
        Assert.Equal(TestKeys.TeamFingerprint, metadata.GetProperty("public_openpgp_keys")[0].GetProperty("fingerprint").GetString());
        var feedUrl = metadata.GetProperty("distributions")[0].GetProperty("rolie").GetProperty("feeds")[0].GetProperty("url").GetString()!;
        Assert.Equal("https://csirt.example.test/.well-known/csaf/white/csaf-feed-tlp-white.json", feedUrl);

        var feed = JsonDocument.Parse(await anonymous.GetStringAsync("/.well-known/csaf/white/csaf-feed-tlp-white.json", Ct)).RootElement;
        var ids = feed.GetProperty("feed").GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Contains(clear.TrackingId, ids);
        Assert.DoesNotContain(amber.TrackingId, ids);
        Assert.DoesNotContain(draft.TrackingId, ids);

        var path = $"/.well-known/csaf/white/2026/{CsafWriter.FileName(clear.TrackingId)}";
        var index = await anonymous.GetStringAsync("/.well-known/csaf/white/index.txt", Ct);
        Assert.Contains($"2026/{CsafWriter.FileName(clear.TrackingId)}\n", index);
        Assert.DoesNotContain(CsafWriter.FileName(amber.TrackingId), index);
        var bytes = await anonymous.GetByteArrayAsync(path, Ct);
        Assert.Equal(clear.TrackingId, JsonDocument.Parse(bytes).RootElement.GetProperty("document").GetProperty("tracking").GetProperty("id").GetString());
        var sha = await anonymous.GetStringAsync(path + ".sha512", Ct);
        Assert.Equal($"{Convert.ToHexStringLower(SHA512.HashData(bytes))}  {CsafWriter.FileName(clear.TrackingId)}\n", sha);
        var signature = _gpg.NewPath("asc");
        var document = _gpg.NewPath("json");
        await File.WriteAllTextAsync(signature, await anonymous.GetStringAsync(path + ".asc", Ct), Ct);
        await File.WriteAllBytesAsync(document, bytes, Ct);
        var (code, status, error) = await _gpg.RunAsync(["--status-fd", "1", "--verify", signature, document], Ct);
        Assert.True(code == 0, error);
        Assert.Contains($"VALIDSIG {TestKeys.TeamFingerprint}", status);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/.well-known/csaf/white/2026/{CsafWriter.FileName(amber.TrackingId)}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/.well-known/csaf/white/2026/{CsafWriter.FileName(draft.TrackingId)}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/.well-known/csaf/white/2026/..%2F..%2Fappsettings.json", Ct)).StatusCode);
    }

    [Fact]
    public async Task Edits_to_a_published_bulletin_stay_inside_until_they_are_published_as_a_revision()
    {
        app.SkipIfUnavailable();
        await ImportAsync();
        var clear = await DraftAsync("CVE-2023-25690", Translated, publish: true);
        var amber = await DraftAsync("CVE-2025-4565", d => Translated(d) with { Tlp = "AMBER" }, publish: true);
        var anonymous = app.Factory.CreateClient();
        var path = $"/.well-known/csaf/white/2026/{CsafWriter.FileName(clear.TrackingId)}";
        var served = await anonymous.GetByteArrayAsync(path, Ct);

        // The analysts edit both, the AMBER one even to CLEAR: nothing changes outside until they publish.
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Vigie.Data.VigieDb>();
            foreach (var (id, edit) in new (Guid, Func<AdvisoryDocument, AdvisoryDocument>)[]
            {
                (clear.Id, d => d with { En = d.En with { Title = "Unpublished new title" } }),
                (amber.Id, d => d with { Tlp = "CLEAR", En = d.En with { Title = "Not yet cleared" } }),
            })
            {
                var a = await db.Set<Advisory>().SingleAsync(x => x.Id == id, Ct);
                a.Set(edit(a.Document), app.Time.GetUtcNow());
            }
            await db.SaveChangesAsync(Ct);
        }
        Assert.Equal(served, await anonymous.GetByteArrayAsync(path, Ct));
        Assert.DoesNotContain("Unpublished new title", await anonymous.GetStringAsync("/advisories.atom", Ct));
        Assert.DoesNotContain("Unpublished new title", await anonymous.GetStringAsync($"/advisories/{clear.TrackingId}", Ct));
        Assert.DoesNotContain(amber.TrackingId, await anonymous.GetStringAsync("/.well-known/csaf/white/index.txt", Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/advisories/{amber.TrackingId}", Ct)).StatusCode);
        Assert.Contains("\"Unpublished new title\"", await app.Client("analyst").GetStringAsync($"/api/v1/advisories/{clear.TrackingId}", Ct));

        // Published as revision 2, the edit is what is served.
        await using (var scope = app.Scope())
        {
            var a = await scope.ServiceProvider.GetRequiredService<Vigie.Data.VigieDb>().Set<Advisory>().SingleAsync(x => x.Id == clear.Id, Ct);
            Assert.True((await scope.ServiceProvider.GetRequiredService<AdvisoryService>().PublishAsync(a, "New title",
                new Vigie.Features.Audit.AuditActor(null, "analyst@csirt.test", null), "test", Ct)).IsSuccess);
        }
        var revised = JsonDocument.Parse(await anonymous.GetByteArrayAsync(path, Ct)).RootElement.GetProperty("document");
        Assert.Equal("Unpublished new title", revised.GetProperty("title").GetString());
        Assert.Equal("2", revised.GetProperty("tracking").GetProperty("version").GetString());
        Assert.Contains("Unpublished new title", await anonymous.GetStringAsync("/advisories.atom", Ct));
    }
}

public sealed class AdvisorySqliteTests(Rfc2350SqliteApp app) : AdvisoryTests(app), IClassFixture<Rfc2350SqliteApp>;

public sealed class AdvisoryPostgresTests(Rfc2350PostgresApp app) : AdvisoryTests(app), IClassFixture<Rfc2350PostgresApp>;
