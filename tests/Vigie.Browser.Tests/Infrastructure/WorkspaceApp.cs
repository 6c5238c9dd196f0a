using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vigie.Features.Constituents;
using Vigie.Features.Pgp;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Mail;
using Vigie.Tests.Pgp;

namespace Vigie.Browser.Tests.Infrastructure;

/// <summary>
/// The whole Vigie on a loopback port with a real Chromium driving it (Playwright, Debian's
/// /usr/bin/chromium: never `playwright install`). Outbound mail goes to a real SMTP sink; the team
/// holds its OpenPGP secret key; two constituents exist: Lilas (client, contacts with and without
/// keys) and Mimosa (partner). Users: the seeded ones of <see cref="VigieApp"/>, all with
/// <see cref="VigieApp.TestPassword"/>.
/// </summary>
public abstract class WorkspaceApp : VigieApp
{
    public const string IncidentAddress = "cert@csirt.test";
    public const string GeneralAddress = "contact@csirt.test";

    /// <summary>Where screenshots go when VIGIE_SCREENSHOTS names a directory (docs/screenshots is made from them).</summary>
    public static string? ScreenshotDirectory => Environment.GetEnvironmentVariable("VIGIE_SCREENSHOTS");

    private IPlaywright? _playwright;

    protected WorkspaceApp() => Sink = new SmtpSink(() => Time.GetUtcNow());

    protected override bool Kestrel => true;

    internal SmtpSink Sink { get; }

    public IBrowser Browser { get; private set; } = default!;

    public Guid Lilas { get; private set; }

    public Guid Mimosa { get; private set; }

    public override async ValueTask InitializeAsync()
    {
        await Sink.StartAsync();
        await base.InitializeAsync();
        if (Unavailable)
        {
            return;
        }
        using (var team = File.OpenRead(TestKeys.File("team.sec.asc")))
        {
            Services.GetRequiredService<PgpKeyring>().Import(team, allowSecret: true);
        }
        await using (var scope = Scope())
        {
            var constituents = scope.ServiceProvider.GetRequiredService<ConstituentService>();
            var lilas = await constituents.CreateAsync(new ConstituentRequest("Lilas", "client", new ContractDto("C-001", "gold", true), null,
                [
                    new ContactRequest("SOC Lilas", "soc@lilas.example", "security", null, null),
                    new ContactRequest("Bob Partner", "bob@partner.test", "security", null, await File.ReadAllTextAsync(TestKeys.File("bob.pub.asc"))),
                ],
                [new ScopeRequest("cidr", "45.83.64.0/24"), new ScopeRequest("domain", "lilas.example")]), CancellationToken.None);
            Lilas = lilas.Value!.Id;
            var mimosa = await constituents.CreateAsync(new ConstituentRequest("Mimosa", "partner", null, null, [],
                [new ScopeRequest("cidr", "31.42.105.0/24")]), CancellationToken.None);
            Mimosa = mimosa.Value!.Id;
        }

        // Generous waits: two cores running the host, the browser and other test classes at once are
        // slow, not wrong. A real failure still fails, only later.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        // A free port each: the shipped appsettings.json says 5080, and fixtures of several test classes run at once.
        ["Urls"] = "http://127.0.0.1:0",
        ["Vigie:Team:IncidentEmail"] = IncidentAddress,
        ["Vigie:Team:GeneralEmail"] = GeneralAddress,
        ["Vigie:Pgp:PassphraseFile"] = TestKeys.File("team.passphrase"),
        ["Vigie:Mail:Relay:Host"] = "127.0.0.1",
        ["Vigie:Mail:Relay:Port"] = Sink.Port.ToString(CultureInfo.InvariantCulture),
        ["Vigie:Mail:Relay:Security"] = "None",
    };

    /// <summary>A fresh browser context (own cookies), signed in as one of the seeded users.</summary>
    public async Task<IPage> SignInAsync(string user = "analyst", string culture = "fr")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = culture,
        });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        var errors = ConsoleErrors.GetOrAdd(page, _ => []);
        // A refused script, style or image (CSP), a failed request or a script error shows up here.
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        await page.GotoAsync($"/culture/{culture}?returnUrl=/signin");
        await page.FillAsync("#email", $"{user}@csirt.test");
        await page.FillAsync("#password", TestPassword);
        await page.ClickAsync("button[type=submit]");
        await WaitForLeavingAsync(page, user, "/signin?", "/signin/code");
        // The second factor every staff account holds (TestTotpSecret), its code computed from the test clock.
        await page.FillAsync("#code", await TotpCodeAsync($"{user}@csirt.test"));
        await page.ClickAsync("button[type=submit]");
        await WaitForLeavingAsync(page, user, "/signin", null);
        return page;
    }

    /// <summary>Waits until the page has left a sign-in step (to <paramref name="next"/> when given); says what the page showed if it stays.</summary>
    private static async Task WaitForLeavingAsync(IPage page, string user, string step, string? next)
    {
        bool Left(string url) => next is not null ? url.Contains(next, StringComparison.Ordinal)
            : !url.Contains(step, StringComparison.Ordinal);
        try
        {
            // Commit, not Load: leaving the sign-in step is what matters here. Once (CI, both test assemblies running) the
            // dashboard after sign-in never fired "load" within 90 s although its URL was reached; the page a test then
            // opens is waited for as usual.
            await page.WaitForURLAsync(Left, new() { Timeout = 30_000, WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            // Seen once in CI under heavy load (both test assemblies running): the page stayed on the sign-in
            // form with no error. Say what the page showed, and submit once more only when it showed nothing.
            var alert = await page.Locator("[role=alert]").AllInnerTextsAsync();
            if (alert.Count > 0)
            {
                throw new InvalidOperationException($"Sign-in as {user} refused: {string.Join(" ", alert)} (at {page.Url})");
            }
            Console.Error.WriteLine($"Sign-in as {user}: still on {page.Url} after 30 s with no error shown; submitting again.");
            await page.ClickAsync("button[type=submit]");
            await page.WaitForURLAsync(Left, new() { WaitUntil = WaitUntilState.Commit });
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> ConsoleErrors = [];

    /// <summary>
    /// What the browser console reported as errors on a page opened by <see cref="SignInAsync"/>
    /// (CSP refusals, script errors, failed loads), except the 4xx answers a test provoked on purpose.
    /// </summary>
    public static IReadOnlyList<string> ErrorsOf(IPage page)
    {
        var errors = ConsoleErrors.GetOrAdd(page, _ => []);
        lock (errors)
        {
            return [.. errors.Where(e => !e.Contains("the server responded with a status of 4", StringComparison.Ordinal))];
        }
    }

    /// <summary>Saves a screenshot (the full page unless <paramref name="fullPage"/> is false: long documents) as NAME.png when VIGIE_SCREENSHOTS is set.</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        if (ScreenshotDirectory is { Length: > 0 } dir)
        {
            Directory.CreateDirectory(dir);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = fullPage });
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        await base.DisposeAsync();
        await Sink.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class WorkspaceSqliteApp : WorkspaceApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class WorkspacePostgresApp : WorkspaceApp
{
    public override Provider Provider => Provider.Postgres;
}
