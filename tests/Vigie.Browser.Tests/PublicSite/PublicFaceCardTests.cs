using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.PublicSite;

/// <summary>The dashboard's public-face card in Chromium: it names the key that signs when the profile names another.</summary>
public sealed class PublicFaceCardTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    [Fact]
    public async Task The_dashboard_warns_that_the_profile_names_another_key_than_the_one_that_signs()
    {
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync("/");
        var card = page.Locator("#public-face");
        await Expect(card.Locator("h2")).ToHaveTextAsync("Vitrine publique de l'équipe");
        // The shipped profile names cegedim.cloud's key; the workspace signs with the test team key.
        var warning = card.Locator("li[data-code=profile-key-mismatch]");
        await Expect(warning).ToContainTextAsync("7A29 DA83 7DE7 A304 3FBB B7BD B8CF D9AF A5FE 34CC");
        await Expect(warning).ToContainTextAsync("Vigie:Team:PublicKey:Fingerprint");
        await Expect(card.Locator("li[data-code=no-team-key]")).ToHaveCountAsync(0);
        await Expect(card.Locator("a[href='/.well-known/security.txt']")).ToHaveCountAsync(1);
        await WorkspaceApp.ScreenshotAsync(page, "public-face-card");
    }
}
