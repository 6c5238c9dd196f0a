using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Vigie.Browser.Tests.Infrastructure;
using Vigie.Data;
using Vigie.Features.Identity;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Identity;


/// <summary>The workspace host with every log line kept (at Debug), to prove no secret reaches the logs.</summary>
public sealed class AccountsApp : WorkspaceApp
{
    public override Vigie.Tests.Infrastructure.Provider Provider => Vigie.Tests.Infrastructure.Provider.Sqlite;

    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddLogging(l => l.AddProvider(new KeepingLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));

    protected override IReadOnlyDictionary<string, string> ExtraSettings()
    {
        var settings = new Dictionary<string, string>(base.ExtraSettings()) { ["Logging:LogLevel:Default"] = "Debug" };
        return settings;
    }

    /// <summary>A staff user without a second factor: their first sign-in enrols.</summary>
    public async Task<string> NewStaffAsync(string name)
    {
        var email = $"{name}.{Guid.NewGuid().ToString("N")[..8]}@csirt.test";
        await using var scope = Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        AddUser(db, email, UserRole.Analyst, TokenScope.Write, null, secondFactor: false);
        await db.SaveChangesAsync();
        return email;
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), Locale = "en" });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/culture/en?returnUrl=/signin");
        return page;
    }

    public async Task<User> UserAsync(string email)
    {
        await using var scope = Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    public string CodeOf(string secret) => Services.GetRequiredService<TwoFactor>().CurrentCode(secret);

    private sealed class KeepingLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Keeping(logs, categoryName);

        public void Dispose()
        {
        }

        private sealed class Keeping(ConcurrentQueue<string> logs, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>
/// The second factor in Chromium: first sign-in enrols (QR code, manual key, confirming code, recovery
/// codes shown once); the next asks the code; wrong and replayed codes are refused; a recovery code works
/// once; five failures lock the account with a message that does not say whether it exists; a revoked
/// session loses access at its next request.
/// </summary>
public sealed class TwoFactorSignInTests(AccountsApp app) : IClassFixture<AccountsApp>
{
    private static async Task PasswordAsync(IPage page, string email, string password = Vigie.Tests.Infrastructure.VigieApp.TestPassword)
    {
        await page.GotoAsync("/signin");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
    }

    private static async Task CodeAsync(IPage page, string code)
    {
        await page.FillAsync("#code", code);
        await page.ClickAsync("button[type=submit]");
    }

    [Fact]
    public async Task First_sign_in_enrols_with_a_qr_code_then_every_sign_in_asks_the_code_or_a_recovery_code()
    {
        var email = await app.NewStaffAsync("enrol");
        var page = await app.NewPageAsync();
        await PasswordAsync(page, email);
        await page.WaitForURLAsync(u => u.Contains("/signin/enrol", StringComparison.Ordinal));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Set up the second factor");
        Assert.StartsWith("data:image/png;base64,", await page.Locator("img#qr").GetAttributeAsync("src"), StringComparison.Ordinal);
        var secret = (await page.Locator("#secret").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal);
        Assert.Equal(32, secret.Length);
        await WorkspaceApp.ScreenshotAsync(page, "signin-enrol");

        // Before confirmation the workspace is out of reach: the password alone opened nothing.
        var stray = await page.Context.NewPageAsync();
        await stray.GotoAsync("/incidents");
        Assert.Contains("/signin", stray.Url, StringComparison.Ordinal);
        await stray.CloseAsync();

        var good = app.CodeOf(secret);
        await CodeAsync(page, good == "000000" ? "111111" : "000000");
        await Expect(page.Locator("[role=alert]")).ToContainTextAsync("Wrong or already used code");
        Assert.Equal(secret, (await page.Locator("#secret").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal));

        await CodeAsync(page, good);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Second factor active");
        var recovery = await page.Locator("#recovery-codes li").AllInnerTextsAsync();
        Assert.Equal(10, recovery.Count);
        await page.ClickAsync("#continue");
        await page.WaitForURLAsync(u => !u.Contains("/signin", StringComparison.Ordinal));
        await Expect(page.Locator(".who a.me")).ToContainTextAsync(email);

        // At rest: the secret only encrypted, the recovery codes only hashed.
        var user = await app.UserAsync(email);
        Assert.NotNull(user.TotpEnabledAt);
        Assert.DoesNotContain(secret, user.TotpSecret!, StringComparison.OrdinalIgnoreCase);

        // Next sign-in: the same code again is a replay, refused; the next step's code opens the workspace.
        var second = await app.NewPageAsync();
        await PasswordAsync(second, email);
        await second.WaitForURLAsync(u => u.Contains("/signin/code", StringComparison.Ordinal));
        await CodeAsync(second, good);
        await Expect(second.Locator("[role=alert]")).ToContainTextAsync("Wrong or already used code");
        app.Time.Advance(TimeSpan.FromSeconds(30));
        await CodeAsync(second, app.CodeOf(secret));
        await second.WaitForURLAsync(u => !u.Contains("/signin", StringComparison.Ordinal));

        // A recovery code instead of the app's code: once.
        var third = await app.NewPageAsync();
        await PasswordAsync(third, email);
        await third.WaitForURLAsync(u => u.Contains("/signin/code", StringComparison.Ordinal));
        await CodeAsync(third, recovery[0]);
        await third.WaitForURLAsync(u => !u.Contains("/signin", StringComparison.Ordinal));
        var fourth = await app.NewPageAsync();
        await PasswordAsync(fourth, email);
        await fourth.WaitForURLAsync(u => u.Contains("/signin/code", StringComparison.Ordinal));
        await CodeAsync(fourth, recovery[0]);
        await Expect(fourth.Locator("[role=alert]")).ToContainTextAsync("Wrong or already used code");

        // Nothing of the secret, the codes or the password in the logs.
        var logs = string.Join("\n", app.Logs);
        Assert.DoesNotContain(secret, logs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(recovery[1], logs, StringComparison.Ordinal);
        Assert.DoesNotContain(Vigie.Tests.Infrastructure.VigieApp.TestPassword, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Five_failures_lock_the_account_with_a_message_that_does_not_say_whether_it_exists()
    {
        var email = await app.NewStaffAsync("locked");
        var page = await app.NewPageAsync();
        await PasswordAsync(page, "nobody.here@csirt.test", "whatever-password");
        var unknown = await page.Locator("[role=alert]").InnerTextAsync();
        Assert.Equal("Wrong e-mail address or password.", unknown);
        await Expect(page.Locator("#lockout-hint")).ToHaveTextAsync("After 5 failed attempts an account is locked for 15 minutes.");

        for (var i = 0; i < 5; i++)
        {
            await PasswordAsync(page, email, "wrong-password-" + i);
            await Expect(page.Locator("[role=alert]")).ToHaveTextAsync(unknown);
        }
        // Locked: even the right password is refused, in the same words as for an unknown address.
        await PasswordAsync(page, email);
        await Expect(page.Locator("[role=alert]")).ToHaveTextAsync(unknown);
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        Assert.NotNull((await app.UserAsync(email)).LockedUntil);

        app.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        await PasswordAsync(page, email);
        await page.WaitForURLAsync(u => u.Contains("/signin/enrol", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_codes_count_towards_the_lockout()
    {
        var page = await app.NewPageAsync();
        await PasswordAsync(page, "lead@csirt.test");
        await page.WaitForURLAsync(u => u.Contains("/signin/code", StringComparison.Ordinal));
        var good = await app.TotpCodeAsync("lead@csirt.test");
        var wrong = good == "123456" ? "654321" : "123456";
        for (var i = 0; i < 4; i++)
        {
            await CodeAsync(page, wrong);
            await Expect(page.Locator("[role=alert]")).ToContainTextAsync("Wrong or already used code");
        }
        await CodeAsync(page, wrong);
        await Expect(page.Locator("[role=alert]")).ToHaveTextAsync("Too many failed attempts: this account is locked for 15 minutes.");
        await Expect(page.Locator("#code")).ToHaveCountAsync(0);
        await PasswordAsync(page, "lead@csirt.test");
        await Expect(page.Locator("[role=alert]")).ToHaveTextAsync("Wrong e-mail address or password.");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        app.Time.Advance(TimeSpan.FromMinutes(16));
    }

    [Fact]
    public async Task A_revoked_session_loses_access_at_its_next_request()
    {
        var first = await app.SignInAsync("auditor", "en");
        var second = await app.SignInAsync("auditor", "en");
        await second.GotoAsync("/account/sessions");
        await Expect(second.Locator("h1")).ToHaveTextAsync("My sessions");
        Assert.True(await second.Locator("tbody tr").CountAsync() >= 2);
        await Expect(second.Locator("tbody")).ToContainTextAsync("This session");
        await WorkspaceApp.ScreenshotAsync(second, "account-sessions");
        await second.ClickAsync("#revoke-others");
        await Expect(second.Locator("[role=status]")).ToContainTextAsync("session(s) revoked");
        await Expect(second.Locator("tbody tr")).ToHaveCountAsync(1);

        await first.GotoAsync("/incidents");
        Assert.Contains("/signin", first.Url, StringComparison.Ordinal);
        await second.GotoAsync("/incidents");
        Assert.DoesNotContain("/signin", second.Url, StringComparison.Ordinal);

        // Signing out ends the session row too: the cookie, replayed, opens nothing.
        var cookies = await second.Context.CookiesAsync();
        await second.ClickAsync(".who button[type=submit]");
        await second.WaitForURLAsync(u => u.Contains("/signin", StringComparison.Ordinal));
        var replay = await app.NewPageAsync();
        await replay.Context.AddCookiesAsync(cookies.Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, SameSite = c.SameSite,
        }));
        await replay.GotoAsync("/incidents");
        Assert.Contains("/signin", replay.Url, StringComparison.Ordinal);
    }
}

/// <summary>A host whose sign-in allows 3 posts per client and minute.</summary>
public sealed class RateLimitedApp : WorkspaceApp
{
    public override Vigie.Tests.Infrastructure.Provider Provider => Vigie.Tests.Infrastructure.Provider.Sqlite;

    protected override IReadOnlyDictionary<string, string> ExtraSettings() =>
        new Dictionary<string, string>(base.ExtraSettings()) { ["Vigie:Accounts:SignInPermitLimit"] = "3", ["Vigie:Accounts:SignInWindow"] = "00:10:00" };
}

public sealed class SignInRateLimitTests(RateLimitedApp app) : IClassFixture<RateLimitedApp>
{
    [Fact]
    public async Task Too_many_sign_in_posts_from_one_address_get_a_readable_429_page()
    {
        var context = await app.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/culture/en?returnUrl=/signin");
        IResponse? last = null;
        for (var i = 0; i < 4; i++)
        {
            await page.GotoAsync("/signin");
            await page.FillAsync("#email", "someone@csirt.test");
            await page.FillAsync("#password", "not-the-password-" + i);
            last = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"), r => r.Request.Method == "POST");
        }
        Assert.Equal(429, last!.Status);
        Assert.NotNull(await last.HeaderValueAsync("retry-after"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Too many attempts");
        await Expect(page.Locator("main")).ToContainTextAsync("Wait a minute, then try again.");
        // Reading pages is not limited, only sign-in posts.
        var signin = await page.GotoAsync("/signin");
        Assert.Equal(200, signin!.Status);
    }
}
