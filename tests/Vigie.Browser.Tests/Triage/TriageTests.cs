using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Triage;

/// <summary>
/// The triage queue in Chromium, as an analyst works it: reports delivered through the API (raw mail
/// bytes) and read by intake; one turned into an incident with the keyboard (j, e), two marked as spam
/// in bulk, a playbook applied on the new incident; the report page shows the mail without remote content.
/// </summary>
public sealed class TriageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Submits raw mail through POST /api/v1/reports and waits until intake has read it.</summary>
    private async Task<Guid> DeliverAsync(string raw)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(raw.Replace("\r\n", "\n").Replace("\n", "\r\n")));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("message/rfc822");
        var client = app.Client("analyst");
        var response = await client.PostAsync("/api/v1/reports", content, Ct);
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var deadline = Environment.TickCount64 + 30_000;
        while (true)
        {
            var report = await client.GetFromJsonAsync<JsonElement>($"/api/v1/reports/{id}", Ct);
            if (report.GetProperty("status").GetString() == "processed" && report.GetProperty("answerNote").ValueKind == JsonValueKind.String)
            {
                return id;
            }
            Assert.True(Environment.TickCount64 < deadline, "The report was not read in time.");
            await Task.Delay(100, Ct);
        }
    }

    private static string Plain(string from, string subject, string body, string extra = "") =>
        $"From: {from}\nTo: cert@csirt.test\nSubject: {subject}\nMessage-ID: <{Guid.NewGuid():N}@mail.example>\n" +
        $"Date: Mon, 09 Mar 2026 09:12:00 +0100\nMIME-Version: 1.0\n{extra}Content-Type: text/plain; charset=utf-8\n\n{body}\n";

    [Fact]
    public async Task An_analyst_triages_with_the_keyboard_marks_spam_in_bulk_and_applies_a_playbook()
    {
        // Two spam messages, then (newest, so first in the queue) a machine report about Lilas that intake did
        // not answer (auto-submitted), so that it waits for an analyst instead of opening an incident itself.
        var spam1 = await DeliverAsync(Plain("Promo <promo@cheap-pills.example>", "Cheap pills 1", "Best prices at hxxp://cheap-pills[.]example"));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var spam2 = await DeliverAsync(Plain("Promo <promo@cheap-pills.example>", "Cheap pills 2", "Even better prices"));
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var boundary = "b-" + Guid.NewGuid().ToString("N");
        var phishing = await DeliverAsync(
            $"From: Partner SOC <monitor@partner-soc.example>\nTo: cert@csirt.test\nSubject: Fwd: Phishing page hosted at Lilas\n" +
            $"Message-ID: <{Guid.NewGuid():N}@partner-soc.example>\nDate: Mon, 09 Mar 2026 09:14:00 +0100\nMIME-Version: 1.0\n" +
            $"Auto-Submitted: auto-generated\nContent-Type: multipart/alternative; boundary=\"{boundary}\"\n\n" +
            $"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\nPhishing page hxxps://login[.]lilas[.]example/secure hosted on 45.83.64.12.\nTLP:AMBER\n" +
            $"--{boundary}\nContent-Type: text/html; charset=utf-8\n\n<p>Phishing page <a href=\"https://login.lilas.example/secure\">here</a> on <b>45.83.64.12</b>." +
            $"<img src=\"https://tracker.example/pixel.gif\" alt=\"pixel\"></p>\n--{boundary}--\n");

        var page = await app.SignInAsync("analyst");
        await page.GotoAsync("/triage");
        await Expect(page.Locator("#triage-queue tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#triage-queue tbody tr").First).ToContainTextAsync("Phishing page hosted at Lilas");
        await Expect(page.Locator("#triage-queue tbody tr").First).ToContainTextAsync("Lilas");
        await Expect(page.Locator("#triage-queue tbody tr").First).ToContainTextAsync("45.83.64.12");
        await WorkspaceApp.ScreenshotAsync(page, "triage");

        // ? shows the shortcut help.
        await page.Keyboard.PressAsync("?");
        await Expect(page.Locator("#shortcut-help")).ToHaveAttributeAsync("open", "");
        await page.Keyboard.PressAsync("?");

        // j selects the first row, e opens the pre-filled incident form for it.
        await page.Keyboard.PressAsync("j");
        await Expect(page.Locator("#triage-queue tbody tr.selected")).ToHaveAttributeAsync("data-report", phishing.ToString());
        await page.Keyboard.PressAsync("e");
        await page.WaitForURLAsync(url => url.Contains("/incidents/new?report=" + phishing, StringComparison.Ordinal));
        await Expect(page.Locator("#n-title")).ToHaveValueAsync("Phishing page hosted at Lilas");
        await Expect(page.Locator("#n-constituent option:checked")).ToHaveTextAsync("Lilas");
        await Expect(page.Locator("#n-tlp")).ToHaveValueAsync("TLP:AMBER");
        await Expect(page.Locator("#n-description")).ToContainTextAsync("45.83.64.12");
        await page.SelectOptionAsync("#n-type", "fraud/phishing");
        await page.ClickAsync("#n-create");
        await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, @"/incidents/\d{4}-\d{4}$"));
        await Expect(page.Locator("#incident-title")).ToHaveTextAsync("Phishing page hosted at Lilas");
        var number = (await page.Locator("#incident-number").TextContentAsync())!.Trim();

        await page.ClickAsync("#tab-reports");
        await Expect(page.Locator("#incident-reports")).ToContainTextAsync("Phishing page hosted at Lilas");
        await page.ClickAsync("#tab-observables");
        await Expect(page.Locator("#observables")).ToContainTextAsync("45.83.64.12");
        await Expect(page.Locator("#observables")).ToContainTextAsync("https://login.lilas.example/secure");

        // The playbook made for phishing is offered first; applying it creates its steps as tasks.
        await page.ClickAsync("#tab-tasks");
        await Expect(page.Locator("#playbook-select option:checked")).ToContainTextAsync("Hameçonnage");
        await page.ClickAsync("#playbook-apply");
        await Expect(page.Locator(".alert.ok")).ToContainTextAsync("Procédure appliquée");
        await Expect(page.Locator("tr[data-task]")).ToHaveCountAsync(6);
        await Expect(page.Locator("table.tasks[data-kind=containment]")).ToContainTextAsync("Bloquer l'URL et le domaine");
        // One is done; a hand-made task due yesterday shows as overdue.
        await page.Locator("tr[data-task] button[data-action=done]").First.ClickAsync();
        await Expect(page.Locator(".alert.ok")).ToContainTextAsync("Tâche terminée.");
        await Expect(page.Locator("tr[data-task] .badge.task-done")).ToHaveCountAsync(1);
        var local = app.Time.GetUtcNow().AddDays(-1).ToOffset(TimeSpan.FromHours(1));
        await page.FillAsync("#task-title", "Call the hosting provider");
        await page.SelectOptionAsync("#task-kind", "coordination");
        await page.FillAsync("#task-due", local.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#task-add-submit");
        await Expect(page.Locator("tr.overdue")).ToContainTextAsync("Call the hosting provider");
        await WorkspaceApp.ScreenshotAsync(page, "tasks");

        var timeline = await app.Client("analyst").GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/timeline", Ct);
        Assert.Equal(7, timeline.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "taskAdded"));
        Assert.Equal(1, timeline.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "taskCompleted"));

        // The report page: linked, sanitised HTML with no remote image and no working link.
        await page.GotoAsync($"/reports/{phishing}");
        await Expect(page.Locator("#report-incident")).ToContainTextAsync(number);
        await Expect(page.Locator("#report-html")).ToContainTextAsync("Phishing page");
        await Expect(page.Locator("#report-html img[src]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#report-html a[href]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#report-text pre")).ToContainTextAsync("hxxps://login[.]lilas[.]example/secure");
        await WorkspaceApp.ScreenshotAsync(page, "report");

        // Back in the queue: tick both spam messages and press s.
        await page.GotoAsync("/triage");
        await Expect(page.Locator("#triage-queue tbody tr")).ToHaveCountAsync(2);
        await page.CheckAsync($"tr[data-report='{spam1}'] input[type=checkbox]");
        await page.CheckAsync($"tr[data-report='{spam2}'] input[type=checkbox]");
        await page.Keyboard.PressAsync("s"); // the focus is on the last ticked box: shortcuts still work there
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("2 signalement(s) marqué(s) comme pourriel.");
        await Expect(page.Locator("#queue-empty")).ToBeVisibleAsync();
        await page.GotoAsync($"/reports/{spam1}");
        await Expect(page.Locator("#report-triage")).ToHaveTextAsync("Pourriel");

        // Reopen puts it back.
        await page.ClickAsync("#act-reopen");
        await Expect(page.Locator("#report-triage")).ToHaveTextAsync("À trier");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_auditor_reads_the_queue_without_actions_and_a_hidden_report_is_not_found()
    {
        var id = await DeliverAsync(Plain("Someone <someone@elsewhere.example>", "Auditor view", "Nothing much."));
        var auditor = await app.SignInAsync("auditor", "en");
        await auditor.GotoAsync("/triage");
        await Expect(auditor.Locator($"tr[data-report='{id}']")).ToContainTextAsync("Auditor view");
        await Expect(auditor.Locator("#bulk-actions")).ToHaveCountAsync(0);
        await auditor.GotoAsync($"/reports/{id}");
        await Expect(auditor.Locator("#report-subject")).ToHaveTextAsync("Auditor view");
        await Expect(auditor.Locator("#report-actions")).ToHaveCountAsync(0);

        // Attached to a TLP:RED incident of the lead: the analyst gets "not found".
        var lead = app.Client("lead");
        var incident = await (await lead.PostAsJsonAsync("/api/v1/incidents", new { title = "Red", tlp = "TLP:RED" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        (await lead.PostAsJsonAsync($"/api/v1/reports/{id}/triage", new { decision = "attach", incident = incident.GetProperty("number").GetString() }, Ct))
            .EnsureSuccessStatusCode();
        var analyst = await app.SignInAsync("analyst");
        var response = await analyst.GotoAsync($"/reports/{id}");
        Assert.Equal(404, response!.Status);
        await auditor.Context.CloseAsync();
        await analyst.Context.CloseAsync();
    }
}
