using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigie.Data;
using Vigie.Features.Audit;
using Vigie.Features.Constituents;
using Vigie.Features.Identity;
using Vigie.Tests.Infrastructure;

namespace Vigie.Tests.Portal;

/// <summary>
/// Constituent contacts sign in with their password (a second factor if they enrolled one), land on the
/// portal, and stay shut out of the workspace; the sign-ins are in the audit log like staff's.
/// </summary>
public sealed class PortalSignInTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(string Email, string Incident)> ContactAsync(bool secondFactor)
    {
        var x = Guid.NewGuid().ToString("N")[..8];
        var email = $"soc@portal-{x}.example";
        Guid org;
        await using (var scope = app.Scope())
        {
            org = (await scope.ServiceProvider.GetRequiredService<ConstituentService>().CreateAsync(new ConstituentRequest($"Portal {x}", "client",
                new ContractDto("C", "gold", false), null, [new ContactRequest("SOC", email, "security", null, null)], []), Ct)).Value!.Id;
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            app.AddUser(db, email, UserRole.Constituent, TokenScope.Write, org);
            await db.SaveChangesAsync(Ct);
            if (secondFactor)
            {
                var user = await db.Users.FirstAsync(u => u.Email == email, Ct);
                user.TotpSecret = scope.ServiceProvider.GetRequiredService<TwoFactor>().Protect(VigieApp.TestTotpSecret);
                user.TotpEnabledAt = app.Time.GetUtcNow();
                await db.SaveChangesAsync(Ct);
            }
        }
        var number = (await app.Client("lead").PostJson("/api/v1/incidents", new { title = $"Incident of portal {x}", constituentId = org })
            .Expect(HttpStatusCode.Created)).Str("number");
        return (email, number);
    }

    private static Dictionary<string, string> Credentials(string email, string password = VigieApp.TestPassword) =>
        new() { ["Input.Email"] = email, ["Input.Password"] = password };

    [Fact]
    public async Task A_contact_without_a_second_factor_signs_in_with_the_password_and_lands_on_the_portal()
    {
        var (email, number) = await ContactAsync(secondFactor: false);
        var browser = new FormBrowser(app, IPAddress.Parse("198.51.100.41"));
        var signedIn = await browser.PostFormAsync("/signin?ReturnUrl=%2Fincidents", "signin", Credentials(email));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.Status);
        Assert.Equal("/portal", signedIn.Location);

        var portal = await browser.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.OK, portal.Status);
        Assert.Contains(number, portal.Text);
        Assert.Contains("second-factor-offer", portal.Body);
        var detail = await browser.GetAsync($"/portal/incidents/{number}");
        Assert.Equal(HttpStatusCode.OK, detail.Status);
        // Signed in with the browser, a contact may write: reply and upload forms are there.
        Assert.Contains("id=\"reply-text\"", detail.Body);
        Assert.Contains("id=\"portal-evidence-upload\"", detail.Body);
        // Each upload outcome has its own message ("description" once shared its key with the field's label).
        Assert.Contains("The description is too long.", (await browser.GetAsync($"/portal/incidents/{number}?ev=description")).Text);
        Assert.Contains("The file was received and recorded.", (await browser.GetAsync($"/portal/incidents/{number}?ev=added")).Text);

        // The workspace stays closed: the "forbidden" page, which leads back to the portal.
        foreach (var path in new[] { "/", $"/incidents/{number}", "/triage" })
        {
            var closed = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, closed.Status);
            Assert.StartsWith("/forbidden", closed.Location);
        }
        var forbidden = await browser.GetAsync("/forbidden");
        Assert.Contains("href=\"/portal\"", forbidden.Body);
        Assert.DoesNotContain("href=\"/triage\"", forbidden.Body);

        await using var scope = app.Scope();
        var entry = await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Action == AuditActions.SignIn && e.Actor == email).SingleAsync(Ct);
        Assert.Equal("198.51.100.41", entry.ClientIp);
    }

    [Fact]
    public async Task A_contact_with_a_second_factor_is_asked_for_the_code()
    {
        var (email, _) = await ContactAsync(secondFactor: true);
        var browser = new FormBrowser(app, IPAddress.Parse("198.51.100.42"));
        var password = await browser.PostFormAsync("/signin", "signin", Credentials(email));
        Assert.Equal(HttpStatusCode.Redirect, password.Status);
        Assert.StartsWith("/signin/code", password.Location);
        Assert.NotEqual(HttpStatusCode.OK, (await browser.GetAsync("/portal")).Status); // not signed in before the code
        var code = await browser.PostFormAsync("/signin/code", "signin-code", new Dictionary<string, string> { ["Input.Code"] = await app.TotpCodeAsync(email) });
        Assert.Equal(HttpStatusCode.Redirect, code.Status);
        Assert.Equal("/portal", code.Location);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/portal")).Status);
    }

    [Fact]
    public async Task A_wrong_password_of_a_contact_is_refused_and_recorded()
    {
        var (email, _) = await ContactAsync(secondFactor: false);
        var browser = new FormBrowser(app, IPAddress.Parse("198.51.100.43"));
        var refused = await browser.PostFormAsync("/signin", "signin", Credentials(email, "wrong-password-123"));
        Assert.Equal(HttpStatusCode.OK, refused.Status);
        await using var scope = app.Scope();
        var entry = await scope.ServiceProvider.GetRequiredService<VigieDb>().Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Action == AuditActions.SignInFailed && e.Actor == email).SingleAsync(Ct);
        Assert.Contains("bad-password", entry.Detail);
    }
}
