using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Identity;
using Vigie.Tests.Infrastructure;
using Person = Vigie.Tests.Infrastructure.TestOidcProvider.Identity;

namespace Vigie.Tests.Identity;

/// <summary>
/// A Vigie host pointed at <see cref="TestOidcProvider"/>, a real OpenID Connect provider on 127.0.0.1
/// standing in for the team's IdP. The host's clock starts at the real time: the provider (another
/// system) stamps its tokens with it and the protocol library checks them against it.
/// </summary>
public abstract class OidcApp : VigieApp
{
    public TestOidcProvider Idp { get; } = new();

    public override async ValueTask InitializeAsync()
    {
        await Idp.StartAsync();
        Time.SetUtcNow(TimeProvider.System.GetUtcNow());
        await base.InitializeAsync();
    }

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => Idp.Settings();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Idp.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class OidcSqliteApp : OidcApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class OidcPostgresApp : OidcApp
{
    public override Provider Provider => Provider.Postgres;
}

/// <summary>
/// Sign-in through the provider, over HTTP as a browser does it: Vigie's challenge, the provider's
/// authorize redirect, the callback (code redeemed with PKCE, ID token checked by the library), then the
/// mapping to a Vigie account, the session or the TOTP step, and the refusals with their audit entries.
/// </summary>
public abstract partial class OidcSignInTests(OidcApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int _ip = 10;

    private static FormBrowser Browser(OidcApp app, string culture = "en") =>
        new(app, IPAddress.Parse($"203.0.113.{Interlocked.Increment(ref _ip)}"), culture);

    /// <summary>Goes through the provider as <paramref name="person"/>; returns where Vigie's continue page sends the browser.</summary>
    private async Task<string> ThroughProviderAsync(FormBrowser browser, Person person, string returnUrl = "/incidents")
    {
        app.Idp.Person = person;
        var start = await browser.GetAsync("/signin/oidc?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.Redirect, start.Status);
        var authorize = new Uri(start.Headers.Location.ToString());
        Assert.Equal(app.Idp.Issuer.Authority, authorize.Authority);

        using var idp = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var back = await idp.GetAsync(authorize, Ct);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var callback = back.Headers.Location!;
        Assert.Equal("/signin/oidc/callback", callback.AbsolutePath);

        var done = await browser.GetAsync(callback.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, done.Status);
        var next = MetaRefresh().Match(done.Body);
        Assert.True(next.Success, done.Body);
        return WebUtility.HtmlDecode(next.Groups[1].Value);
    }

    [GeneratedRegex("<meta http-equiv=\"refresh\" content=\"0;url=([^\"]+)\">")]
    private static partial Regex MetaRefresh();

    private async Task<List<AuditEntry>> EntriesAsync(string action)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        return await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    private async Task<User> UserAsync(string email)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Users.AsNoTracking().SingleAsync(u => u.Email == email, Ct);
    }

    private async Task AddUserAsync(string email, UserRole role, bool disabled = false, Guid? constituentId = null)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        app.AddUser(db, email, role, TokenScope.Read, constituentId);
        await db.SaveChangesAsync(Ct);
        if (disabled)
        {
            await db.Users.Where(u => u.Email == email).ExecuteUpdateAsync(u => u.SetProperty(x => x.Disabled, true), Ct);
        }
    }

    [Fact]
    public async Task The_sign_in_page_offers_the_provider_and_the_challenge_is_code_flow_with_pkce_state_and_nonce()
    {
        app.SkipIfUnavailable();
        var page = await Browser(app).GetAsync("/signin?ReturnUrl=%2Fincidents");
        Assert.Contains("Sign in with Test SSO", page.Text);
        Assert.Contains("href=\"/signin/oidc?ReturnUrl=%2Fincidents\"", page.Body);
        var fr = await Browser(app, "fr").GetAsync("/signin");
        Assert.Contains("Se connecter avec Test SSO", fr.Text);

        await ThroughProviderAsync(Browser(app), new("sub-pkce", "analyst@csirt.test", Groups: ["csirt-analysts"], Amr: ["pwd", "mfa"]));
        var q = app.Idp.LastAuthorize!;
        Assert.Equal(("code", "S256", TestOidcProvider.ClientId), (q["response_type"].ToString(), q["code_challenge_method"].ToString(), q["client_id"].ToString()));
        Assert.False(string.IsNullOrEmpty(q["state"]));
        Assert.False(string.IsNullOrEmpty(q["nonce"]));
        Assert.Contains("openid", q["scope"].ToString().Split(' '));
    }

    [Fact]
    public async Task A_known_analyst_whose_provider_did_mfa_gets_a_revocable_session_without_the_totp_step()
    {
        app.SkipIfUnavailable();
        var browser = Browser(app);
        var next = await ThroughProviderAsync(browser, new("sub-analyst", "Analyst@CSIRT.test", Name: "Ana Lyste", Groups: ["csirt-analysts", "staff"], Amr: ["pwd", "mfa"]));
        Assert.Equal("/incidents", next);
        var incidents = await browser.GetAsync(next);
        Assert.Equal(HttpStatusCode.OK, incidents.Status);

        var signIn = (await EntriesAsync(AuditActions.SignIn)).Last();
        Assert.Equal("analyst@csirt.test", signIn.Actor);
        Assert.Contains("\"method\":\"oidc\"", signIn.Detail);
        Assert.Contains("amr:mfa", signIn.Detail);
        var user = await UserAsync("analyst@csirt.test");
        Assert.Equal(("Ana Lyste", UserRole.Analyst), (user.FullName, user.Role));

        // A normal Vigie session: revoking it shuts the cookie out at the next request.
        await using (var scope = app.Scope())
        {
            // Every open session of the account (an earlier test of this class signed the analyst in too, at the same test-clock instant).
            var revoked = await scope.ServiceProvider.GetRequiredService<AccountService>().RevokeAsync(user.Id, null, null, null, Ct);
            Assert.True(revoked >= 1);
        }
        var after = await browser.GetAsync("/incidents");
        Assert.Equal(HttpStatusCode.Redirect, after.Status);
        Assert.StartsWith("/signin", after.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_second_factor_at_the_provider_staff_still_give_their_totp_code()
    {
        app.SkipIfUnavailable();
        var browser = Browser(app);
        var next = await ThroughProviderAsync(browser, new("sub-lead", "lead@csirt.test", Groups: ["csirt-leads"], Amr: ["pwd"]), "/triage");
        Assert.Equal("/signin/code?ReturnUrl=%2Ftriage", next);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/triage")).Status); // not signed in yet

        var code = await browser.PostFormAsync(next, "signin-code", new Dictionary<string, string>
        {
            ["Input.Code"] = await app.TotpCodeAsync("lead@csirt.test"),
            ["Input.ReturnUrl"] = "/triage",
        });
        Assert.Equal(HttpStatusCode.Redirect, code.Status);
        Assert.Equal("/triage", code.Location);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/triage")).Status);
        var signIn = (await EntriesAsync(AuditActions.SignIn)).Last();
        Assert.Equal("lead@csirt.test", signIn.Actor);
        Assert.Contains("\"method\":\"oidc\"", signIn.Detail);
        Assert.DoesNotContain("amr:", signIn.Detail);
    }

    [Fact]
    public async Task An_unknown_address_is_refused_in_english_and_french_and_audited()
    {
        app.SkipIfUnavailable();
        var next = await ThroughProviderAsync(Browser(app), new("sub-x", "nobody@elsewhere.test", Groups: ["csirt-admins"], Amr: ["mfa"]));
        Assert.Equal("/signin?oidc=unknown", next);
        var en = await Browser(app).GetAsync(next);
        Assert.Contains("No Vigie account has the e-mail address Test SSO gave. Ask an administrator to create your account.", en.Text);
        var fr = await Browser(app, "fr").GetAsync(next);
        Assert.Contains("Aucun compte Vigie ne porte l'adresse électronique transmise par Test SSO.", fr.Text);

        var failed = (await EntriesAsync(AuditActions.SignInFailed)).Last();
        Assert.Equal(("anonymous", AuditOutcomes.Failure), (failed.Actor, failed.Outcome));
        Assert.Contains("\"reason\":\"unknown\"", failed.Detail);
        Assert.Contains("\"method\":\"oidc\"", failed.Detail);
        Assert.Contains("nobody@elsewhere.test", failed.Detail);
        await using var scope = app.Scope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<VigieDb>().Users.AnyAsync(u => u.Email == "nobody@elsewhere.test", Ct));
    }

    [Fact]
    public async Task The_role_follows_the_providers_groups_at_each_sign_in_and_other_sessions_end_when_it_changes()
    {
        app.SkipIfUnavailable();
        await AddUserAsync("morgane@csirt.test", UserRole.Analyst);
        var first = Browser(app);
        Assert.Equal("/incidents", await ThroughProviderAsync(first, new("sub-m", "morgane@csirt.test", Groups: ["csirt-analysts", "csirt-leads"], Amr: ["mfa"])));
        Assert.Equal(UserRole.Lead, (await UserAsync("morgane@csirt.test")).Role); // the highest mapped role
        var change = (await EntriesAsync(AuditActions.Change)).Last(e => e.ObjectId == "morgane@csirt.test");
        Assert.Contains("\"from\":\"analyst\"", change.Detail);
        Assert.Contains("\"to\":\"lead\"", change.Detail);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/incidents")).Status);

        var second = Browser(app);
        Assert.Equal("/incidents", await ThroughProviderAsync(second, new("sub-m", "morgane@csirt.test", Groups: ["csirt-auditors"], Amr: ["mfa"])));
        Assert.Equal(UserRole.Auditor, (await UserAsync("morgane@csirt.test")).Role);
        Assert.Equal(HttpStatusCode.Redirect, (await first.GetAsync("/incidents")).Status); // the lead's session is over
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/incidents")).Status);

        // Same groups again: nothing changes, the other session stays.
        var third = Browser(app);
        await ThroughProviderAsync(third, new("sub-m", "morgane@csirt.test", Groups: ["csirt-auditors"], Amr: ["mfa"]));
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/incidents")).Status);
    }

    [Fact]
    public async Task Unmapped_groups_disabled_accounts_unverified_addresses_and_constituent_contacts_are_refused()
    {
        app.SkipIfUnavailable();
        await AddUserAsync("gone@csirt.test", UserRole.Analyst, disabled: true);
        await AddUserAsync("contact@lilas.example", UserRole.Constituent);

        Assert.Equal("/signin?oidc=unmapped", await ThroughProviderAsync(Browser(app), new("s1", "auditor@csirt.test", Groups: ["marketing"], Amr: ["mfa"])));
        Assert.Equal(UserRole.Auditor, (await UserAsync("auditor@csirt.test")).Role);
        Assert.Equal("/signin?oidc=disabled", await ThroughProviderAsync(Browser(app), new("s2", "gone@csirt.test", Groups: ["csirt-analysts"], Amr: ["mfa"])));
        Assert.Equal("/signin?oidc=email-not-verified",
            await ThroughProviderAsync(Browser(app), new("s3", "admin@csirt.test", EmailVerified: false, Groups: ["csirt-admins"], Amr: ["mfa"])));
        Assert.Equal("/signin?oidc=no-email", await ThroughProviderAsync(Browser(app), new("s4", null, Groups: ["csirt-admins"], Amr: ["mfa"])));
        // A contact whose address the provider knows, even in an admin group, never comes in (nor changes role).
        Assert.Equal("/signin?oidc=not-staff",
            await ThroughProviderAsync(Browser(app), new("s5", "contact@lilas.example", Groups: ["csirt-admins"], Amr: ["mfa"])));
        Assert.Equal(UserRole.Constituent, (await UserAsync("contact@lilas.example")).Role);

        var reasons = (await EntriesAsync(AuditActions.SignInFailed)).TakeLast(5).Select(e => Regex.Match(e.Detail!, "\"reason\":\"([^\"]+)\"").Groups[1].Value);
        Assert.Equal(["unmapped", "disabled", "email-not-verified", "no-email", "not-staff"], reasons);
        var page = await Browser(app).GetAsync("/signin?oidc=unmapped");
        Assert.Contains("Your groups at Test SSO give you no role in Vigie.", page.Text);
        var unknownCode = await Browser(app).GetAsync("/signin?oidc=%3Cscript%3E");
        Assert.DoesNotContain("<script>", unknownCode.Body);
        Assert.DoesNotContain("oidc-error", unknownCode.Body);
    }

    [Theory]
    [InlineData(TestOidcProvider.Tampering.Signature)]
    [InlineData(TestOidcProvider.Tampering.Nonce)]
    public async Task A_tampered_token_or_a_wrong_nonce_is_refused_and_audited(TestOidcProvider.Tampering tampering)
    {
        app.SkipIfUnavailable();
        var browser = Browser(app);
        app.Idp.Tamper = tampering;
        string next;
        try
        {
            next = await ThroughProviderAsync(browser, new("sub-admin", "admin@csirt.test", Groups: ["csirt-admins"], Amr: ["mfa"]));
        }
        finally
        {
            app.Idp.Tamper = TestOidcProvider.Tampering.None;
        }
        Assert.Equal("/signin?oidc=failed", next);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/incidents")).Status);
        var failed = (await EntriesAsync(AuditActions.SignInFailed)).Last();
        Assert.Contains("\"reason\":\"failed\"", failed.Detail);
        Assert.Contains("\"method\":\"oidc\"", failed.Detail);
        var page = await browser.GetAsync(next);
        Assert.Contains("Sign-in with Test SSO failed", page.Text);
    }

    [Fact]
    public async Task A_callback_without_the_state_cookie_is_refused()
    {
        app.SkipIfUnavailable();
        app.Idp.Person = new("sub-csrf", "analyst@csirt.test", Groups: ["csirt-analysts"], Amr: ["mfa"]);
        var start = await Browser(app).GetAsync("/signin/oidc");
        using var idp = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var back = await idp.GetAsync(new Uri(start.Headers.Location.ToString()), Ct);
        // Another browser (the victim of a login CSRF) gets the callback: it holds no correlation cookie.
        var other = Browser(app);
        var done = await other.GetAsync(back.Headers.Location!.PathAndQuery);
        Assert.Contains("/signin?oidc=failed", done.Body);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/incidents")).Status);
    }
}

public sealed class OidcSignInSqliteTests(OidcSqliteApp app) : OidcSignInTests(app), IClassFixture<OidcSqliteApp>;

public sealed class OidcSignInPostgresTests(OidcPostgresApp app) : OidcSignInTests(app), IClassFixture<OidcPostgresApp>;

/// <summary>The configuration is checked at start-up; each problem names its key.</summary>
public sealed class OidcOptionsTests
{
    [Fact]
    public void Off_unless_an_authority_is_set_and_each_problem_names_its_key()
    {
        Assert.Empty(new OidcOptions().Problems());
        var problems = new OidcOptions
        {
            Authority = "http://sso.example.org/realms/csirt",
            RoleMap = new() { ["csirt-contacts"] = "constituent" },
            ProvisionUnknownUsers = false,
        }.Problems();
        Assert.Contains(problems, p => p.StartsWith("Vigie:Oidc:Authority must use https://", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Vigie:Oidc:ClientId is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Vigie:Oidc:RoleMap:csirt-contacts = 'constituent'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Vigie:Oidc:RoleClaim is required", StringComparison.Ordinal));
        Assert.Contains(new OidcOptions { Authority = "https://sso.example.org", ClientId = "vigie", ProvisionUnknownUsers = true }.Problems(),
            p => p.StartsWith("Vigie:Oidc:ProvisionUnknownUsers needs", StringComparison.Ordinal));
        Assert.Empty(new OidcOptions { Authority = "https://sso.example.org", ClientId = "vigie" }.Problems());
    }

    [Fact]
    public void A_host_with_a_bad_configuration_does_not_start_and_says_which_key()
    {
        var builder = VigieHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["Vigie:DataDirectory"] = Directory.CreateTempSubdirectory("vigie-oidc-").FullName,
            ["Vigie:Oidc:Authority"] = "https://sso.example.org/realms/csirt",
            ["Vigie:Smtp:Enabled"] = "false",
        });
        using var host = VigieHost.BuildApp(builder);
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OidcOptions>>().Value);
        Assert.Contains("Vigie:Oidc:ClientId is required", e.Message);
    }
}

/// <summary>The provider with <c>ProvisionUnknownUsers</c> on.</summary>
public sealed class OidcProvisioningApp : OidcApp
{
    public override Provider Provider => Provider.Sqlite;

    protected override IReadOnlyDictionary<string, string> ExtraSettings() =>
        new Dictionary<string, string>(Idp.Settings()) { ["Vigie:Oidc:ProvisionUnknownUsers"] = "true" };
}

public sealed partial class OidcProvisioningTests(OidcProvisioningApp app) : IClassFixture<OidcProvisioningApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("<meta http-equiv=\"refresh\" content=\"0;url=([^\"]+)\">")]
    private static partial Regex MetaRefresh();

    private async Task<string> ThroughProviderAsync(FormBrowser browser, Person person)
    {
        app.Idp.Person = person;
        var start = await browser.GetAsync("/signin/oidc?ReturnUrl=%2Fincidents");
        using var idp = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var back = await idp.GetAsync(new Uri(start.Headers.Location.ToString()), Ct);
        var done = await browser.GetAsync(back.Headers.Location!.PathAndQuery);
        return WebUtility.HtmlDecode(MetaRefresh().Match(done.Body).Groups[1].Value);
    }

    [Fact]
    public async Task An_unknown_person_with_a_mapped_group_gets_an_account_without_password_and_an_unmapped_one_does_not()
    {
        var browser = new FormBrowser(app, IPAddress.Parse("203.0.113.200"));
        Assert.Equal("/incidents", await ThroughProviderAsync(browser, new("sub-new", "Nouvelle@CSIRT.test", Name: "Nina Nouvelle", Groups: ["csirt-auditors"], Amr: ["hwk"])));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/incidents")).Status);
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.Email == "nouvelle@csirt.test", Ct);
            Assert.Equal(("Nina Nouvelle", UserRole.Auditor, ""), (user.FullName, user.Role, user.PasswordHash));
            var created = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == AuditActions.Create && e.ObjectId == "nouvelle@csirt.test").SingleAsync(Ct);
            Assert.Contains("\"role\":\"auditor\"", created.Detail);
        }
        // The new account has no password: the password form refuses whatever is typed.
        var password = await new FormBrowser(app, IPAddress.Parse("203.0.113.201")).PostFormAsync("/signin", "signin",
            new Dictionary<string, string> { ["Input.Email"] = "nouvelle@csirt.test", ["Input.Password"] = "" });
        Assert.Contains("Wrong e-mail address or password.", password.Text);

        Assert.Equal("/signin?oidc=unmapped", await ThroughProviderAsync(new FormBrowser(app, IPAddress.Parse("203.0.113.202")),
            new("sub-other", "stranger@csirt.test", Groups: ["marketing"], Amr: ["mfa"])));
        await using var check = app.Scope();
        Assert.False(await check.ServiceProvider.GetRequiredService<VigieDb>().Users.AnyAsync(u => u.Email == "stranger@csirt.test", Ct));
    }
}
