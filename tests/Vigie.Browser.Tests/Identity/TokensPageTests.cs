using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Identity;

/// <summary>/account/tokens in Chromium: an analyst creates a token, sees it once, uses it, sees its last use, revokes it.</summary>
public sealed class TokensPageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_analyst_creates_uses_and_revokes_a_token()
    {
        var page = await app.SignInAsync("analyst", "fr");
        await page.ClickAsync("a[href='/account/tokens']");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Jetons d'API");

        // More than an analyst may: refused in French, the field named.
        await page.FillAsync("#t-name", "Trop");
        await page.SelectOptionAsync("#t-scope", "admin");
        await page.ClickAsync("#t-submit");
        await Expect(page.Locator("[role=alert]")).ToContainTextAsync("au plus ce que vous pouvez faire vous-même");

        await page.FillAsync("#t-name", "Export SIEM");
        await page.SelectOptionAsync("#t-scope", "read");
        await page.FillAsync("#t-days", "30");
        await page.ClickAsync("#t-submit");
        await Expect(page.Locator("#token-created")).ToContainTextAsync("n'est montré qu'une fois");
        var token = await page.Locator("#new-token").InnerTextAsync();
        Assert.StartsWith("vgt_", token, StringComparison.Ordinal);
        var row = page.Locator("#tokens tr", new() { HasText = "Export SIEM" });
        await Expect(row.Locator("[data-role=last-used]")).ToHaveTextAsync("jamais utilisé");
        await WorkspaceApp.ScreenshotAsync(page, "api-tokens");

        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/api/v1/incidents", Ct)).StatusCode);
        await page.ReloadAsync();
        await Expect(row.Locator("[data-role=last-used]")).Not.ToHaveTextAsync("jamais utilisé");
        await Expect(page.Locator("#new-token")).ToHaveCountAsync(0);

        await row.Locator("button[type=submit]").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-active", "no");
        await Expect(row).ToContainTextAsync("révoqué");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/incidents", Ct)).StatusCode);
        Assert.Empty(WorkspaceApp.ErrorsOf(page));
    }
}
