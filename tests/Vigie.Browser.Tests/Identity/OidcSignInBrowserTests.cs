using Microsoft.Playwright;
using Vigie.Browser.Tests.Infrastructure;
using Vigie.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Identity;

/// <summary>
/// The workspace with <see cref="TestOidcProvider"/> (a real OpenID Connect provider on 127.0.0.1 standing
/// in for the team's IdP) configured. The host's clock starts at the real time, the provider's.
/// </summary>
public sealed class OidcWorkspaceApp : WorkspaceApp
{
    public override Provider Provider => Provider.Sqlite;

    public TestOidcProvider Idp { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await Idp.StartAsync();
        Time.SetUtcNow(TimeProvider.System.GetUtcNow());
        await base.InitializeAsync();
    }

    protected override IReadOnlyDictionary<string, string> ExtraSettings()
    {
        var settings = new Dictionary<string, string>(base.ExtraSettings());
        foreach (var (key, value) in Idp.Settings())
        {
            settings[key] = value;
        }
        return settings;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Idp.DisposeAsync();
    }
}

/// <summary>The full redirect flow in Chromium: Vigie → provider (auto-login) → callback → TOTP step → workspace; and a refusal.</summary>
public sealed class OidcSignInBrowserTests(OidcWorkspaceApp app) : IClassFixture<OidcWorkspaceApp>
{
    private async Task<IPage> NewPageAsync(string culture)
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), Locale = culture });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/culture/{culture}?returnUrl=/signin");
        return page;
    }

    [Fact]
    public async Task A_lead_signs_in_through_the_provider_then_gives_the_totp_code()
    {
        app.Idp.Person = new("sub-lead", "lead@csirt.test", Name: "Léa Lead", Groups: ["csirt-leads"], Amr: ["pwd"]);
        var page = await NewPageAsync("en");
        await page.GotoAsync("/signin?ReturnUrl=%2Ftriage");
        await Expect(page.Locator("#signin-oidc")).ToHaveTextAsync("Sign in with Test SSO");
        await WorkspaceApp.ScreenshotAsync(page, "signin-oidc");
        await page.ClickAsync("#signin-oidc");

        // Back from the provider, Vigie still asks for its own second factor (the provider did no MFA).
        await page.WaitForURLAsync(url => url.Contains("/signin/code", StringComparison.Ordinal));
        await page.FillAsync("#code", await app.TotpCodeAsync("lead@csirt.test"));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => url.EndsWith("/triage", StringComparison.Ordinal));
        await Expect(page.Locator("body")).ToContainTextAsync("Léa Lead");
    }

    [Fact]
    public async Task With_mfa_at_the_provider_an_analyst_goes_straight_in_and_an_unknown_person_is_told_why_not()
    {
        app.Idp.Person = new("sub-analyst", "analyst@csirt.test", Groups: ["csirt-analysts"], Amr: ["pwd", "otp"]);
        var page = await NewPageAsync("fr");
        await page.ClickAsync("#signin-oidc");
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal) && !url.Contains(app.Idp.Issuer.Authority, StringComparison.Ordinal));
        await Expect(page.Locator("form[action='/signout']")).ToHaveCountAsync(1);

        app.Idp.Person = new("sub-nobody", "nobody@elsewhere.test", Groups: ["csirt-admins"], Amr: ["mfa"]);
        var other = await NewPageAsync("fr");
        await other.ClickAsync("#signin-oidc");
        await other.WaitForURLAsync(url => url.Contains("/signin?oidc=unknown", StringComparison.Ordinal));
        await Expect(other.Locator("#oidc-error")).ToContainTextAsync("Aucun compte Vigie ne porte l'adresse électronique transmise par Test SSO");
    }
}
