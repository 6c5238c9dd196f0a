using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using Vigie.Browser.Tests.Infrastructure;
using Vigie.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Reviews;

/// <summary>
/// The end of an incident as an analyst lives it in Chromium: evidence, a refused close, the review,
/// the close, the closure report in HTML and in PDF.
/// </summary>
public sealed class ReviewPageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> CreateResolvedP2Async(string title)
    {
        var client = app.Client("analyst");
        var response = await client.PostAsJsonAsync("/api/v1/incidents",
            new { title, severity = "high", impact = "medium", tlp = "TLP:AMBER", constituentId = app.Lilas,
                description = "Malware found on three Lilas workstations after a phishing wave." }, Ct);
        response.EnsureSuccessStatusCode();
        var number = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("number").GetString()!;
        foreach (var to in new[] { "triage", "open", "contained", "resolved" })
        {
            app.Time.Advance(TimeSpan.FromMinutes(30));
            (await client.PostAsJsonAsync($"/api/v1/incidents/{number}/transitions", new { to, reason = "step " + to }, Ct)).EnsureSuccessStatusCode();
        }
        return number;
    }

    [Fact]
    public async Task An_analyst_adds_evidence_writes_the_review_closes_the_P2_incident_and_exports_the_report()
    {
        var number = await CreateResolvedP2Async("Emotet on Lilas workstations");
        var page = await app.SignInAsync("analyst");

        // Evidence: upload, SHA-256 shown, custody log.
        var sample = Encoding.UTF8.GetBytes("MZ... pretend this is the dropper " + Guid.NewGuid());
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await page.GotoAsync($"/incidents/{number}?tab=evidence");
        await page.SetInputFilesAsync("#evidence-file", new FilePayload { Name = "dropper.bin", MimeType = "application/x-msdownload", Buffer = sample });
        await page.FillAsync("#evidence-description", "Sample quarantined by the EDR on PC-042");
        await page.ClickAsync("#evidence-submit");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Preuve ajoutée ; son empreinte SHA-256 figure ci-dessous.");
        await Expect(page.Locator("#evidence-list .evidence-sha")).ToHaveTextAsync(Convert.ToHexStringLower(SHA256.HashData(sample)));
        await Expect(page.Locator("#evidence-list .evidence-name")).ToHaveTextAsync("dropper.bin");
        await Expect(page.Locator("#evidence-list .custody-log tr[data-action=added]")).ToHaveCountAsync(1);

        // Closing a P2 without a completed review is refused, with the reason shown.
        await page.GotoAsync($"/incidents/{number}?tab=review");
        await Expect(page.Locator("#review-status")).ToContainTextAsync("P2");
        await page.FillAsync("#move-reason", "Workstations reimaged");
        await page.ClickAsync("#move-closed");
        await Expect(page.Locator(".alert.error")).ToContainTextAsync("review");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("Résolu");

        // The review: pre-filled key dates, texts, one recommendation, marked complete.
        await page.GotoAsync($"/incidents/{number}?tab=review");
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await page.ClickAsync("#review-prefill");
        await Expect(page.Locator("#review-timelineSummary")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Ouverture de l'incident[\\s\\S]*Confinement[\\s\\S]*Résolution"));
        await page.FillAsync("#review-rootCause", "A user opened a macro-enabled invoice; macros were allowed by policy.");
        await page.FillAsync("#review-whatWorked", "EDR isolation within 20 minutes.");
        await page.FillAsync("#review-whatDidNotWork", "The mail gateway did not strip the attachment.");
        await page.FillAsync("#review-preventiveMeasures", "Block macros from the Internet by GPO.");
        // Completing without lessons is refused in the reader's language, and nothing typed is lost.
        await page.ClickAsync("#review-complete");
        await Expect(page.Locator(".alert.error")).ToContainTextAsync("Rédigez les enseignements pour marquer la revue comme terminée");
        await Expect(page.Locator("#review-rootCause")).ToHaveValueAsync("A user opened a macro-enabled invoice; macros were allowed by policy.");
        await Expect(page.Locator("#review-status")).ToHaveAttributeAsync("data-complete", "false");
        await page.FillAsync("#review-lessons", "Attachment filtering must cover archives.");
        await page.FillAsync("#rec-0-text", "Deploy the macro-blocking GPO to all Lilas sites");
        await page.FillAsync("#rec-0-owner", "lead@csirt.test");
        await page.FillAsync("#rec-0-due", "2026-04-30");
        await page.SelectOptionAsync("#rec-0-status", "inProgress");
        await page.ClickAsync("#review-complete");
        await Expect(page.Locator(".alert.ok").First).ToHaveTextAsync("Revue enregistrée et marquée comme terminée.");
        await Expect(page.Locator("#review-status")).ToHaveAttributeAsync("data-complete", "true");
        await Expect(page.Locator("#rec-0-text")).ToHaveValueAsync("Deploy the macro-blocking GPO to all Lilas sites");
        await Expect(page.Locator("#rec-0-status")).ToHaveValueAsync("inProgress");
        await WorkspaceApp.ScreenshotAsync(page, "review");

        // Now the close is accepted.
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await page.FillAsync("#move-reason", "Workstations reimaged, review done");
        await page.ClickAsync("#move-closed");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("Clos");

        // The closure report in English, whatever the UI language, TLP-marked top and bottom.
        await page.GotoAsync($"/incidents/{number}?tab=review");
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await page.ClickAsync("#report-html-en");
        await Expect(page.Locator("#report-title")).ToHaveTextAsync($"Incident closure report {number} — Emotet on Lilas workstations");
        await Expect(page.Locator("#tlp-top")).ToContainTextAsync("TLP:AMBER");
        await Expect(page.Locator("#tlp-bottom")).ToContainTextAsync("TLP:AMBER");
        await Expect(page.Locator("#review")).ToContainTextAsync("A user opened a macro-enabled invoice");
        await Expect(page.Locator("#recommendations")).ToContainTextAsync("In progress");
        await Expect(page.Locator("#evidence")).ToContainTextAsync(Convert.ToHexStringLower(SHA256.HashData(sample)));
        await WorkspaceApp.ScreenshotAsync(page, "closure-report");

        // The PDF, in French, downloaded as a file.
        await page.GoBackAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#report-pdf-fr"));
        Assert.Equal($"{number}-rapport-de-cloture-fr.pdf", download.SuggestedFilename);
        var path = await download.PathAsync();
        var pdf = await File.ReadAllBytesAsync(path, Ct);
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        var text = await PdfText.ReadAsync(path, Ct);
        Assert.Contains("TLP:AMBER", text, StringComparison.Ordinal);
        Assert.Contains("Emotet on Lilas workstations", text, StringComparison.Ordinal);
        Assert.Contains("Rapport de clôture d'incident", text, StringComparison.Ordinal);
        if (WorkspaceApp.ScreenshotDirectory is { Length: > 0 } dir)
        {
            await File.WriteAllBytesAsync(Path.Combine(dir, "closure-report.pdf"), pdf, Ct);
        }

        // The timeline tells the whole story.
        await page.GotoAsync($"/incidents/{number}?tab=timeline");
        await Expect(page.Locator("#timeline li[data-kind=evidenceAdded]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline li[data-kind=reviewUpdated]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline li[data-kind=exported]")).ToHaveCountAsync(2);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_auditor_reads_the_review_and_downloads_evidence_but_gets_no_form()
    {
        var number = await CreateResolvedP2Async("Read-only review");
        var client = app.Client("analyst");
        (await client.PutAsJsonAsync($"/api/v1/incidents/{number}/review",
            new { rootCause = "Weak password on the VPN.", lessons = "MFA everywhere.", complete = true }, Ct)).EnsureSuccessStatusCode();
        var page = await app.SignInAsync("auditor", culture: "en");
        await page.GotoAsync($"/incidents/{number}?tab=review");
        await Expect(page.Locator("#review-form")).ToHaveCountAsync(0);
        await Expect(page.Locator("#review-readonly")).ToContainTextAsync("Weak password on the VPN.");
        await Expect(page.Locator("#review-status")).ToContainTextAsync("Review completed");
        await page.GotoAsync($"/incidents/{number}?tab=evidence");
        await Expect(page.Locator("#evidence-upload")).ToHaveCountAsync(0);
        await Expect(page.Locator("#evidence-empty")).ToHaveTextAsync("No evidence yet.");
        await page.Context.CloseAsync();
    }
}
