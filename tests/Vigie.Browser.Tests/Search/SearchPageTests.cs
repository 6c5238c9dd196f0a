using System.Net.Http.Json;
using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Search;

/// <summary>The search page, reached from the box in the top bar, in Chromium.</summary>
public sealed class SearchPageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> CreateIncidentAsync(string title, string? observable = null)
    {
        var client = app.Client("analyst");
        var response = await client.PostAsJsonAsync("/api/v1/incidents", new { title, constituentId = app.Lilas }, Ct);
        response.EnsureSuccessStatusCode();
        var number = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("number").GetString()!;
        if (observable is not null)
        {
            (await client.PostAsJsonAsync($"/api/v1/incidents/{number}/observables", new { value = observable }, Ct)).EnsureSuccessStatusCode();
        }
        return number;
    }

    [Fact]
    public async Task The_top_box_finds_an_address_with_its_incident_observable_and_constituent()
    {
        var number = await CreateIncidentAsync("Brute force on the Lilas VPN", "45.83.64.0/25");
        var other = await CreateIncidentAsync("Phishing wave against Lilas staff");
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync("/incidents");
        await page.FillAsync("header .searchbox input[name=q]", "45.83.64[.]10");
        await page.PressAsync("header .searchbox input[name=q]", "Enter");
        await page.WaitForURLAsync(url => url.Contains("/search?q=", StringComparison.Ordinal));
        await Expect(page.Locator("#search-read-as")).ToHaveTextAsync("Indicateur ipv4 : 45.83.64.10");
        await Expect(page.Locator($"#search-incidents a:text-is('{number}')")).ToHaveCountAsync(1);
        await Expect(page.Locator($"#search-incidents a:text-is('{other}')")).ToHaveCountAsync(0);
        await Expect(page.Locator("#search-observables")).ToContainTextAsync("45.83.64.0/25");
        await Expect(page.Locator("#search-constituents")).ToContainTextAsync("Lilas");
        await Expect(page.Locator("#search-constituents")).ToContainTextAsync("45.83.64.0/24");
        await Expect(page.Locator("#search-q")).ToHaveValueAsync("45.83.64[.]10");
        await WorkspaceApp.ScreenshotAsync(page, "search");

        // Words, in English, with characters that are query syntax elsewhere.
        await page.GotoAsync("/culture/en?returnUrl=/search");
        await page.FillAsync("#search-q", "\"phishing\" wave* (lilas");
        await page.ClickAsync("#search-form button[type=submit]");
        await Expect(page.Locator("#search-read-as")).ToHaveTextAsync("Words: phishing wave lilas");
        await Expect(page.Locator($"#search-incidents a:text-is('{other}')")).ToHaveCountAsync(1);
        await Expect(page.Locator("#search-reports")).ToContainTextAsync("No report found.");

        // An incident number goes straight to the incident in the results.
        await page.FillAsync("#search-q", number);
        await page.ClickAsync("#search-form button[type=submit]");
        await Expect(page.Locator("#search-incidents tbody tr")).ToHaveCountAsync(1);
        await page.ClickAsync($"#search-incidents a:text-is('{number}')");
        await Expect(page.Locator("#incident-title")).ToHaveTextAsync("Brute force on the Lilas VPN");
        await page.Context.CloseAsync();
    }
}
