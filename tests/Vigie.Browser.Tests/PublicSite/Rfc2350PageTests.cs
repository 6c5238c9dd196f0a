using Microsoft.Playwright;
using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.PublicSite;

/// <summary>
/// The RFC 2350 document in Chromium: a visitor reads it without signing in, in French then English,
/// finds the signed files and the history; a lead sees on /publication that the profile matches the
/// published version and publishes a reviewed, unchanged version, which the public history then lists.
/// </summary>
public sealed class Rfc2350PageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_visitor_reads_the_document_and_a_lead_publishes_a_reviewed_version()
    {
        await using var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(60_000);
        var visitor = await context.NewPageAsync();
        var errors = new List<string>();
        visitor.Console += (_, m) =>
        {
            if (m.Type == "error" && !m.Location.Contains("/favicon.ico", StringComparison.Ordinal))
            {
                lock (errors)
                {
                    errors.Add(m.Text + " " + m.Location);
                }
            }
        };

        await visitor.GotoAsync("/culture/fr?returnUrl=/rfc2350");
        await Expect(visitor).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/rfc2350/fr$"));
        await Expect(visitor.Locator("#rfc2350-title")).ToHaveTextAsync("RFC 2350 — cegedim.cloud CSIRT");
        await Expect(visitor.Locator("#rfc2350-version")).ToHaveTextAsync("Version 1.0 du 08/05/2025");
        await Expect(visitor.Locator("#s2-9")).ToContainTextAsync("opère du lundi au vendredi, de 9h00 à 18h00 (heure de Paris)");
        await Expect(visitor.Locator($"#s2-5 a[href='mailto:{WorkspaceApp.IncidentAddress}']")).ToHaveCountAsync(1);
        // The workspace's keyring holds the test team key: the document names it and is signed.
        await Expect(visitor.Locator("#rfc2350-fingerprint code")).ToHaveTextAsync("7A29 DA83 7DE7 A304 3FBB B7BD B8CF D9AF A5FE 34CC");
        await Expect(visitor.Locator("#link-signed")).ToHaveAttributeAsync("href", "/rfc2350/rfc2350-fr.txt.asc");
        await Expect(visitor.Locator("nav.mainnav")).Not.ToContainTextAsync("Incidents");
        await WorkspaceApp.ScreenshotAsync(visitor, "rfc2350-page", fullPage: false);

        // The table of contents leads to the section.
        await visitor.ClickAsync("nav.toc a[href='/rfc2350/fr#s4-2']");
        await Expect(visitor).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/rfc2350/fr#s4-2$"));
        await Expect(visitor.Locator("#s4-2 h3")).ToHaveTextAsync("4.2 Coopération, interaction et divulgation d'informations");

        // The signed text is what a browser downloads as text.
        var signed = await context.APIRequest.GetAsync("/rfc2350/rfc2350-fr.txt.asc");
        Assert.Equal(200, signed.Status);
        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----", await signed.TextAsync(), StringComparison.Ordinal);

        await visitor.ClickAsync("#rfc2350-files a[hreflang=en]");
        await Expect(visitor.Locator("#rfc2350-version")).ToHaveTextAsync("Version 1.0, 2025-05-08");
        await Expect(visitor.Locator("#s2-9")).ToContainTextAsync("operates Monday to Friday, 09:00 to 18:00 (Paris time)");

        // A lead finds the profile in step with the published document, and publishes a reviewed version.
        var lead = await app.SignInAsync("lead", "fr");
        await lead.GotoAsync("/publication");
        await Expect(lead.Locator("#up-to-date")).ToBeVisibleAsync();
        await Expect(lead.Locator("#published tr[data-lang=fr] td[data-signed=yes]")).ToHaveCountAsync(1);
        await lead.ClickAsync("#p-submit");
        // No description: refused, in French, the field named.
        await Expect(lead.Locator("[role=alert]").First).ToContainTextAsync("Décrivez les modifications (fr)");
        await lead.FillAsync("#p-changes-fr", "Relecture annuelle, sans modification");
        await lead.ClickAsync("#p-submit");
        // Nothing changed and "unchanged" not ticked: refused with the reason, nothing published.
        await Expect(lead.Locator("[role=alert]").First).ToContainTextAsync("rien à publier");
        await lead.FillAsync("#p-changes-fr", "Relecture annuelle, sans modification");
        await lead.FillAsync("#p-changes-en", "Yearly review, no change");
        await lead.CheckAsync("#p-unchanged");
        await lead.ClickAsync("#p-submit");
        await Expect(lead.Locator(".flash, [role=status]").First).ToContainTextAsync("La version 1.1 du document RFC 2350 est publiée.");
        await WorkspaceApp.ScreenshotAsync(lead, "rfc2350-publication");

        await visitor.GotoAsync("/rfc2350/fr/history");
        await Expect(visitor.Locator("#rfc2350-history tr[data-version='1.1']")).ToContainTextAsync("Relecture annuelle, sans modification");
        await visitor.ClickAsync("#rfc2350-history tr[data-version='1.1'] a.diff-link");
        await Expect(visitor.Locator("#rfc2350-diff .ins").First).ToContainTextAsync("1.1");
        await Expect(visitor.Locator("#diff-summary")).ToContainTextAsync("ligne(s) ajoutée(s)");
        await visitor.GotoAsync("/rfc2350/fr/v/1.0");
        await Expect(visitor.Locator("#rfc2350-old")).ToContainTextAsync("la version en vigueur est la 1.1");
        Assert.Empty(errors);
    }
}
