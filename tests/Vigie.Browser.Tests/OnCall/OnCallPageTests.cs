using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.OnCall;

/// <summary>/oncall in Chromium: a lead adds a shift and sees it; an analyst sees the rota but cannot edit it.</summary>
public sealed class OnCallPageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    [Fact]
    public async Task A_lead_adds_a_shift_and_an_analyst_sees_it_without_edit_controls()
    {
        var page = await app.SignInAsync("lead");
        await page.GotoAsync("/oncall");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Astreinte");

        // A bad shift first: the same person twice is refused with a clear message.
        await page.FillAsync("#e-start", "2026-03-13T18:00");
        await page.FillAsync("#e-end", "2026-03-16T09:00");
        await page.FillAsync("#e-primary", "lead@csirt.test");
        await page.FillAsync("#e-secondary", "lead@csirt.test");
        await page.ClickAsync("#e-add");
        await Expect(page.Locator(".alert.error")).ToContainTextAsync("both primary and secondary");

        await page.FillAsync("#e-start", "2026-03-13T18:00");
        await page.FillAsync("#e-end", "2026-03-16T09:00");
        await page.FillAsync("#e-primary", "lead@csirt.test");
        await page.FillAsync("#e-secondary", "analyst@csirt.test");
        await page.FillAsync("#e-reason", "Week-end de mars");
        await page.ClickAsync("#e-add");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("L'entrée du planning a été ajoutée.");
        var row = page.Locator("#entries tbody tr", new() { HasText = "Week-end de mars" });
        await Expect(row).ToContainTextAsync("lead@csirt.test");
        await Expect(row).ToContainTextAsync("analyst@csirt.test");
        // The coming 14 days show the shift in the team's local time.
        await Expect(page.Locator("#coming")).ToContainTextAsync("lead@csirt.test");
        // Weekday nights without anyone are holes, highlighted; the covered weekend is not.
        await Expect(page.Locator("#coming tr[data-hole=true]", new() { HasText = "2026-03-10 18:00" })).ToHaveCountAsync(1);
        await Expect(page.Locator("#coming tr[data-hole=true]", new() { HasText = "2026-03-14" })).ToHaveCountAsync(0);
        await WorkspaceApp.ScreenshotAsync(page, "oncall");

        var analyst = await app.SignInAsync("analyst");
        await analyst.GotoAsync("/oncall");
        await Expect(analyst.Locator("#entries tbody tr", new() { HasText = "Week-end de mars" })).ToHaveCountAsync(1);
        await Expect(analyst.Locator("#add-entry")).ToHaveCountAsync(0);
        await Expect(analyst.Locator("#entries form")).ToHaveCountAsync(0);
    }
}
