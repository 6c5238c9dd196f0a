using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Watch;

/// <summary>
/// The vulnerability watch in Chromium: an analyst fills a constituent's inventory (form and CSV import), the fixture
/// CVE records and KEV catalog are imported, and the watch list puts the KEV-listed Log4Shell exposure first; a
/// dismissal needs a reason and is shown.
/// </summary>
public sealed class WatchPageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Data(params string[] path) => Path.Combine([AppContext.BaseDirectory, "TestData", .. path]);

    private async Task ImportFixturesAsync()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var id in new[] { "CVE-2021-44228", "CVE-2024-6387", "CVE-2023-25690" })
            {
                zip.CreateEntryFromFile(Data("cve", "records", id + ".json"), $"cves/{id}.json");
            }
            zip.CreateEntryFromFile(Data("cve", "kev", "known_exploited_vulnerabilities.json"), "kev.json");
        }
        using var form = new MultipartFormDataContent { { new ByteArrayContent(buffer.ToArray()), "file", "feeds.zip" } };
        var response = await app.Client("lead").PostAsync("/api/v1/vulnerabilities/import", form, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_analyst_fills_an_inventory_and_works_the_watch_list()
    {
        await ImportFixturesAsync();
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync($"/constituents/{app.Lilas}");
        await page.ClickAsync("#constituent-inventory");
        await Expect(page.Locator("h1")).ToContainTextAsync("Inventaire de");

        await page.FillAsync("#inv-vendor", "Apache Software Foundation");
        await page.FillAsync("#inv-product", "Apache Log4j2");
        await page.FillAsync("#inv-version", "2.14.1");
        await page.SelectOptionAsync("#inv-exposure", "internet-facing");
        await page.SelectOptionAsync("#inv-criticality", "high");
        await page.ClickAsync("#inv-add");
        await Expect(page.Locator("#inventory-list")).ToContainTextAsync("Apache Log4j2");

        // A bad CPE is refused with a readable message, and the form keeps what was typed.
        await page.FillAsync("#inv-cpe", "cpe:2.3:nonsense");
        await page.ClickAsync("#inv-add");
        await Expect(page.Locator("[role=alert]").First).ToContainTextAsync("« cpe:2.3:nonsense » n'est pas un nom CPE");

        var csv = Path.Combine(Path.GetTempPath(), $"inventory-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "vendor,product,version,exposure,criticality\nOpenBSD,OpenSSH,9.6p1,internal,medium\nAcme,Widget,1.0,on the moon,low\n", Ct);
        try
        {
            await page.SetInputFilesAsync("#inv-file", csv);
            await page.ClickAsync("#inv-import");
            await Expect(page.Locator("#inventory-imported")).ToContainTextAsync("1 ajoutés, 0 mis à jour, 1 refusés");
            await Expect(page.Locator(".inventory-row-error")).ToContainTextAsync("Ligne 3 : l'exposition « on the moon » n'est ni internal (interne) ni internet-facing (exposé).");
            await Expect(page.Locator("#inventory-list")).ToContainTextAsync("OpenSSH");
        }
        finally
        {
            File.Delete(csv);
        }

        Assert.True((await app.Client("lead").PostAsync("/api/v1/watch/rematch", null, Ct)).IsSuccessStatusCode);
        await page.ClickAsync("#inventory-watch");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Veille des vulnérabilités");
        var rows = page.Locator("#watch-list tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First).ToContainTextAsync("CVE-2021-44228");
        await Expect(rows.First).ToContainTextAsync("KEV");
        await Expect(rows.First).ToContainTextAsync("Immédiate");
        await Expect(rows.Nth(1)).ToContainTextAsync("CVE-2024-6387");
        await Expect(page.Locator("#watch-alerts")).ToContainTextAsync("Exploitée (KEV)");
        await WorkspaceApp.ScreenshotAsync(page, "watch");

        var entries = await app.Client("analyst").GetFromJsonAsync<JsonElement>($"/api/v1/watch?constituent={app.Lilas}", Ct);
        var ssh = entries.EnumerateArray().Single(e => e.GetProperty("cveId").GetString() == "CVE-2024-6387").GetProperty("id").GetGuid();
        await page.ClickAsync($"#dismiss-{ssh}");
        await Expect(page.Locator("[role=alert]").First).ToContainTextAsync("Indiquez pourquoi");
        await page.FillAsync($"#reason-{ssh}", "Bastion interne, accès restreint.");
        await page.ClickAsync($"#dismiss-{ssh}");
        await Expect(page.Locator($"#match-{ssh}")).ToContainTextAsync("Écartée");
        await Expect(page.Locator($"#match-{ssh}")).ToContainTextAsync("Bastion interne, accès restreint.");

        await page.GotoAsync("/vulnerabilities/CVE-2021-44228");
        await Expect(page.Locator("#vuln-kev")).ToContainTextAsync("KEV");
        await Expect(page.Locator("#vuln-matches")).ToContainTextAsync("Apache Log4j2");
        await Expect(page.Locator("#fact-cve5-cna-apache")).ToContainTextAsync("2.0-beta9");
        Assert.Empty(WorkspaceApp.ErrorsOf(page));
    }

    [Fact]
    public async Task An_analyst_writes_publishes_and_sends_a_bilingual_bulletin_that_the_public_page_and_feed_show()
    {
        await ImportFixturesAsync();
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync("/advisories/manage");
        await page.FillAsync("#advisory-cve", "CVE-2023-25690");
        await page.ClickAsync("#advisory-draft");
        await Expect(page.Locator("#advisory-id")).ToContainTextAsync("VIGIE-");
        await Expect(page.Locator("#advisory-translate")).ToBeVisibleAsync();
        var trackingId = (await page.Locator("#advisory-id").InnerTextAsync()).Split(' ')[0];

        await page.FillAsync("#fr-title", "Apache HTTP Server : dissimulation de requêtes HTTP");
        await page.FillAsync("#fr-summary", "Certaines configurations de mod_proxy permettent une attaque par dissimulation de requêtes.");
        await page.FillAsync("#fr-recommendations", "Mettre à jour Apache HTTP Server en 2.4.56 ou plus.");
        await page.FillAsync("#en-recommendations", "Upgrade Apache HTTP Server to 2.4.56 or later.");
        await page.SelectOptionAsync("#advisory-severity", "critical");
        await page.Locator("#advisory-constituents input[type=checkbox]").First.CheckAsync();
        await page.ClickAsync("#advisory-save");
        await Expect(page.Locator("#advisory-notice")).ToContainTextAsync("Enregistré");
        await Expect(page.Locator("#advisory-translate")).ToHaveCountAsync(0);

        await page.FillAsync("#advisory-revision-summary", "Première publication");
        await page.ClickAsync("#advisory-publish");
        await Expect(page.Locator("#advisory-notice")).ToContainTextAsync("Publié en révision 1");
        await page.ClickAsync("#advisory-distribute");
        await Expect(page.Locator("#advisory-notice")).ToContainTextAsync("envoyés");
        await Expect(page.Locator("#advisory-deliveries")).ToContainTextAsync("signé");
        await WorkspaceApp.ScreenshotAsync(page, "advisory-editor");
        Assert.Empty(WorkspaceApp.ErrorsOf(page));

        // The public page (no sign-in) and the Atom feed show it; its CSAF document is served.
        var visitor = await app.Browser.NewPageAsync(new() { BaseURL = app.BaseAddress.ToString(), Locale = "fr" });
        await visitor.GotoAsync($"/advisories/{trackingId}");
        await Expect(visitor.Locator("#public-advisory-title")).ToBeVisibleAsync();
        await Expect(visitor.Locator("body")).ToContainTextAsync("2.4.56");
        using var anonymous = new HttpClient { BaseAddress = app.BaseAddress };
        var atom = await anonymous.GetStringAsync("/advisories.atom", Ct);
        Assert.Contains(trackingId, atom);
        await visitor.CloseAsync();
    }
}
