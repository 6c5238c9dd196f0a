using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Audit;

/// <summary>The auditor's page in Chromium: the auditor's own sign-in is there, and the filters narrow the list.</summary>
public sealed class AuditPageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    [Fact]
    public async Task An_auditor_filters_the_log_by_action_and_actor_and_gets_the_csv_link_with_the_same_filters()
    {
        var page = await app.SignInAsync("auditor", "en");
        await page.GotoAsync("/audit");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Audit log");
        await page.SelectOptionAsync("#audit-action", "sign-in");
        await page.FillAsync("#audit-actor", "auditor@");
        await page.ClickAsync("#audit-apply");
        await page.WaitForURLAsync(url => url.Contains("action=sign-in", StringComparison.Ordinal));
        var rows = page.Locator("#audit-entries tbody tr");
        await Expect(rows.First.Locator(".audit-actor")).ToHaveTextAsync("auditor@csirt.test");
        foreach (var action in await page.Locator("#audit-entries .audit-action").AllTextContentsAsync())
        {
            Assert.Equal("sign-in", action);
        }
        await Expect(page.Locator("#audit-export")).ToHaveAttributeAsync("href", "/audit/export.csv?actor=auditor%40&action=sign-in");
        await Expect(page.Locator("#audit-head")).ToContainTextAsync("SHA-256");

        await page.SelectOptionAsync("#audit-action", "purge");
        await page.ClickAsync("#audit-apply");
        await Expect(page.Locator("#audit-empty")).ToHaveTextAsync("No entry matches these filters.");
        Assert.Empty(WorkspaceApp.ErrorsOf(page));
        await WorkspaceApp.ScreenshotAsync(page, "audit-log");
    }
}
