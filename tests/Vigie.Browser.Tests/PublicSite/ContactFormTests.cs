using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.PublicSite;

/// <summary>
/// /contact in Chromium: a visitor outside the constituency, not signed in, fills the form in French and
/// sees the confirmation; intake reads the report; an analyst finds it in the triage queue and on its
/// report page, where the script the visitor typed is shown as text and never runs.
/// </summary>
public sealed class ContactFormTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_visitor_reports_in_french_and_an_analyst_finds_the_report_with_the_script_shown_as_text()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var payload = $"<script>alert('xss-{tag}')</script>";
        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "fr",
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        // A refused script or style (CSP), a script error or a failed load shows up here; the browser's own
        // favicon request (the site has none) is not the page's.
        page.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Location.Contains("/favicon.ico", StringComparison.Ordinal))
            {
                lock (errors)
                {
                    errors.Add(m.Text + " " + m.Location);
                }
            }
        };
        page.PageError += (_, e) => { lock (errors) { errors.Add(e); } };
        var dialogs = 0;
        page.Dialog += (_, d) => { Interlocked.Increment(ref dialogs); _ = d.DismissAsync(); };

        await page.GotoAsync("/culture/fr?returnUrl=/contact");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Signaler un incident");
        await Expect(page.Locator("#contact-intro")).ToContainTextAsync("extérieurs à nos bénéficiaires");
        await Expect(page.Locator("#contact-incident-address")).ToHaveTextAsync(WorkspaceApp.IncidentAddress);
        await Expect(page.Locator("#contact-key")).ToHaveAttributeAsync("href", "/team-key.asc");
        await Expect(page.Locator("#contact-tlp-red")).ToContainTextAsync("TLP:RED");
        await Expect(page.Locator("#f-started-zone")).ToContainTextAsync("Europe/Paris");
        // The honeypot is off-screen by the stylesheet (the CSP allows no inline script, and it needs none).
        await Expect(page.Locator("#f-website")).Not.ToBeInViewportAsync();
        await Expect(page.Locator("#f-kind option")).ToContainTextAsync(["Code malveillant (malware)", "Tentatives d'intrusion ou intrusions confirmées",
            "Attaques de déni de service (DoS/DDoS)", "Violations de contenu ou abus", "Vulnérabilités des actifs", "Autre / je ne sais pas"]);

        await page.FillAsync("#f-name", "Jeanne Durand");
        await page.FillAsync("#f-organisation", "Hébergeur Exemple");
        await page.FillAsync("#f-email", $"jeanne.{tag}@hebergeur.example");
        await page.FillAsync("#f-phone", "+33 4 00 00 00 00");
        await page.FillAsync("#f-subject", $"Fuite de données {tag}");
        await page.SelectOptionAsync("#f-kind", "content-violation-or-abuse");
        await page.FillAsync("#f-started", "2026-03-09T07:45");
        await page.FillAsync("#f-systems", "198.51.100.23\nhttps://partage.hebergeur.example/dump.zip");
        await page.FillAsync("#f-description", $"Une archive de données est publiée sur notre plateforme.\nLe fichier contenait : {payload}");
        await page.FillAsync("#f-evidence", "2026-03-09 07:45:12 +0100 upload dump.zip from 198.51.100.23");
        await page.FillAsync("#f-actions", "Lien désactivé.");
        await page.SelectOptionAsync("#f-tlp", "TLP:AMBER");
        await WorkspaceApp.ScreenshotAsync(page, "contact");
        await page.ClickAsync("#contact-submit");

        await Expect(page.Locator("#contact-sent h1")).ToHaveTextAsync("Signalement reçu");
        await Expect(page.Locator("#contact-sent")).ToContainTextAsync("accusé de réception automatique");
        var reference = Guid.Parse((await page.Locator("#contact-reference").TextContentAsync())!);
        lock (errors)
        {
            Assert.True(errors.Count == 0, string.Join(" | ", errors));
        }

        await ProcessedAsync(reference);
        var analyst = await app.SignInAsync("analyst");
        await analyst.GotoAsync("/triage");
        var link = analyst.Locator("#triage-queue a", new() { HasText = $"Fuite de données {tag}" });
        await Expect(link).ToHaveCountAsync(1);
        await link.ClickAsync();
        await Expect(analyst.Locator("#report-id")).ToHaveTextAsync(reference.ToString());
        var text = analyst.Locator("#report-text pre");
        await Expect(text).ToContainTextAsync("TLP:AMBER");
        await Expect(text).ToContainTextAsync("Nom : Jeanne Durand");
        await Expect(text).ToContainTextAsync($"Le fichier contenait : {payload}");
        await Expect(analyst.Locator("#report-text script")).ToHaveCountAsync(0);
        Assert.Equal(0, dialogs);
        Assert.Empty(WorkspaceApp.ErrorsOf(analyst));
    }

    private async Task ProcessedAsync(Guid id)
    {
        var client = app.Client("analyst");
        var deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            var report = await client.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{id}", Ct);
            if (report.GetProperty("status").GetString() == "processed" && report.GetProperty("answerNote").ValueKind == JsonValueKind.String)
            {
                Assert.Equal("webForm", report.GetProperty("source").GetString());
                return;
            }
            Assert.True(Environment.TickCount64 < deadline, "The report was not read in time.");
            await Task.Delay(100, Ct);
        }
    }
}
