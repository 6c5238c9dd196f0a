using System.Net.Http.Json;
using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Workspace;

/// <summary>
/// The SLA clocks as an analyst sees them in Chromium: the incident's SLA panel and its pause, the
/// first-response column of the incident list, the /sla calculator. The host's fake clock stands on
/// Monday 9 March 2026, 11:00 in Paris (business hours).
/// </summary>
public sealed class SlaPageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private async Task<string> CreateIncidentAsync(string title)
    {
        var response = await app.Client("analyst").PostAsJsonAsync("/api/v1/incidents", new { title, constituentId = app.Mimosa }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("number").GetString()!;
    }

    [Fact]
    public async Task The_incident_shows_when_its_first_answer_is_due_and_the_analyst_pauses_it_while_waiting()
    {
        var number = await CreateIncidentAsync("Brute force on the VPN portal");
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync($"/incidents/{number}");
        var first = page.Locator("#sla-first-response");
        await Expect(first.Locator(".badge")).ToHaveTextAsync("dans les temps");
        await Expect(first).ToContainTextAsync($"échéance {app.Time.GetUtcNow().AddDays(1):yyyy-MM-dd} 11:00");
        await Expect(first).ToContainTextAsync("reste 9 h");
        await Expect(page.Locator("#sla-target")).ToContainTextAsync("1 jour(s) ouvré(s) · politique par défaut");
        await WorkspaceApp.ScreenshotAsync(page, "sla-panel");

        await page.FillAsync("#waiting-reason", "firewall logs requested");
        await page.ClickAsync("#waiting-start");
        await Expect(page.Locator("#sla-waiting")).ToContainTextAsync("En attente du constituant depuis le");
        await Expect(first.Locator(".badge")).ToHaveTextAsync("en pause");
        await page.ClickAsync("#waiting-stop");
        await Expect(page.Locator("#sla-waiting")).ToHaveCountAsync(0);
        await Expect(first.Locator(".badge")).ToHaveTextAsync("dans les temps");

        await page.GotoAsync($"/incidents/{number}?tab=timeline");
        await Expect(page.Locator("li[data-kind=waitingStarted]")).ToContainTextAsync("En attente du constituant");
        await Expect(page.Locator("li[data-kind=waitingStarted]")).ToContainTextAsync("firewall logs requested");
        await Expect(page.Locator("li[data-kind=waitingEnded]")).ToContainTextAsync("Réponse du constituant, délais repris");

        // The explanation link opens the calculator filled in for this incident.
        await page.GotoAsync($"/incidents/{number}");
        await page.ClickAsync("#sla-explain");
        await Expect(page.Locator("#sla-explanation li").First).ToContainTextAsync("pendant les heures ouvrées");
        await Expect(page.Locator("#sla-first-due")).ToContainTextAsync($"{app.Time.GetUtcNow().AddDays(1):yyyy-MM-dd} 11:00");

        // The dashboard lists it among the first answers due.
        await page.GotoAsync("/");
        await Expect(page.Locator("#sla-watch tr", new() { HasText = number }).Locator("[data-sla]")).ToContainTextAsync("dans les temps");
        Assert.Empty(WorkspaceApp.ErrorsOf(page));
    }

    [Fact]
    public async Task The_list_sorts_by_first_response_due_and_the_calculator_explains_a_weekend_report_in_english()
    {
        var number = await CreateIncidentAsync("Open resolver reported by a partner");
        var page = await app.SignInAsync("analyst", "en");
        await page.GotoAsync("/incidents?sla=running&sort=due");
        var row = page.Locator("#incident-list tr", new() { HasText = number });
        await Expect(row.Locator("[data-sla]")).ToContainTextAsync("on time");
        await Expect(page.Locator("#sort")).ToHaveValueAsync("due");

        await page.GotoAsync("/sla");
        await page.FillAsync("#sla-received", "2026-11-28T03:00");
        await page.SelectOptionAsync("#sla-priority", "P3");
        await page.ClickAsync("#sla-compute");
        await Expect(page.Locator("#sla-first-due")).ToContainTextAsync("2026-11-30 18:00");
        await Expect(page.Locator("#sla-explanation")).ToContainTextAsync("Saturday is not a business day");
        await WorkspaceApp.ScreenshotAsync(page, "sla-calculator");

        await page.FillAsync("#sla-received", "tomorrow");
        await page.ClickAsync("#sla-compute");
        await Expect(page.Locator(".alert.error")).ToContainTextAsync("is not an ISO 8601 date and time");
        Assert.Empty(WorkspaceApp.ErrorsOf(page));
    }
}
