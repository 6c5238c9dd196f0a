using System.Net.Http.Json;
using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Workspace;

/// <summary>The dashboard counts what the database holds, in the reader's language, and links to the lists.</summary>
public sealed class DashboardTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    [Fact]
    public async Task The_dashboard_counts_incidents_by_state_and_lists_mine_and_the_recent_activity()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = app.Client("analyst");
        var numbers = new List<string>();
        foreach (var (title, cls, type) in new[] { ("Dash one", "fraud", "phishing"), ("Dash two", "fraud", "phishing"), ("Dash three", "malicious-code", "infected-system") })
        {
            var created = await client.PostAsJsonAsync("/api/v1/incidents",
                new { title, rsitClass = cls, rsitType = type, constituentId = app.Lilas }, ct);
            created.EnsureSuccessStatusCode();
            numbers.Add((await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(ct)).GetProperty("number").GetString()!);
        }
        (await client.PatchAsJsonAsync($"/api/v1/incidents/{numbers[0]}", new { assignee = "analyst@csirt.test" }, ct)).EnsureSuccessStatusCode();
        app.Time.Advance(TimeSpan.FromMinutes(1));
        (await client.PostAsJsonAsync($"/api/v1/incidents/{numbers[1]}/transitions", new { to = "triage" }, ct)).EnsureSuccessStatusCode();

        var expected = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/incidents?state=new&limit=500", ct);
        var newCount = expected.GetProperty("items").GetArrayLength();

        var page = await app.SignInAsync("analyst");
        await page.GotoAsync("/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Tableau de bord");
        await Expect(page.Locator("#state-counts [data-state=new] .stat")).ToHaveTextAsync(newCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.Locator("#my-incidents")).ToContainTextAsync(numbers[0]);
        await Expect(page.Locator("#my-incidents")).Not.ToContainTextAsync(numbers[1]);
        await Expect(page.Locator("#by-class")).ToContainTextAsync("Fraud");
        await Expect(page.Locator("#by-constituent")).ToContainTextAsync("Lilas");
        await Expect(page.Locator("#recent-activity li").First).ToContainTextAsync(numbers[1]);
        await WorkspaceApp.ScreenshotAsync(page, "dashboard");

        await page.ClickAsync("#state-counts [data-state=triage]");
        await Expect(page.Locator("#incident-list")).ToContainTextAsync(numbers[1]);
        await Expect(page.Locator("#incident-list")).Not.ToContainTextAsync(numbers[0]);
        await WorkspaceApp.ScreenshotAsync(page, "incidents");
        Assert.Empty(WorkspaceApp.ErrorsOf(page));
        await page.Context.CloseAsync();
    }
}
