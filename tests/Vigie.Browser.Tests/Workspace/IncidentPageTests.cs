using System.Net.Http.Json;
using Microsoft.Playwright;
using Vigie.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Workspace;

/// <summary>Sign-in, language, and the incident page's own forms (qualification, state, assignment) in Chromium.</summary>
public sealed class IncidentPageTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>
{
    private async Task<string> CreateIncidentAsync(string title, string tlp = "TLP:AMBER", string user = "analyst")
    {
        var response = await app.Client(user).PostAsJsonAsync("/api/v1/incidents", new { title, tlp, constituentId = app.Lilas }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        return body.GetProperty("number").GetString()!;
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in_and_a_wrong_password_is_refused_in_french()
    {
        var context = await app.Browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/incidents");
        Assert.Contains("/signin", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Connexion");
        await page.FillAsync("#email", "analyst@csirt.test");
        await page.FillAsync("#password", "wrong-password-123");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.Locator(".alert.error")).ToHaveTextAsync("Adresse électronique ou mot de passe incorrect.");
        await context.CloseAsync();
    }

    [Fact]
    public async Task An_analyst_qualifies_moves_and_assigns_an_incident_and_the_timeline_says_so()
    {
        var number = await CreateIncidentAsync("Phishing campaign against Lilas");
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync($"/incidents/{number}");
        await Expect(page.Locator("#incident-title")).ToHaveTextAsync("Phishing campaign against Lilas");
        await Expect(page.Locator("#incident-constituent")).ToHaveTextAsync("Lilas");

        await page.SelectOptionAsync("#q-type", "fraud/phishing");
        await page.SelectOptionAsync("#q-severity", "critical");
        await page.SelectOptionAsync("#q-impact", "high");
        await page.ClickAsync("#q-save");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Qualification enregistrée.");
        await Expect(page.Locator(".incident-header .badge.p1")).ToHaveTextAsync("P1");
        await Expect(page.Locator(".matrix td.current")).ToHaveTextAsync("P1");

        // new → triage needs no reason; triage → rejected does, and the refusal is shown.
        await page.ClickAsync("#move-triage");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("En tri");
        await page.ClickAsync("#move-rejected");
        await Expect(page.Locator(".alert.error")).ToContainTextAsync("needs a reason");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("En tri");

        await page.SelectOptionAsync("#u-assignee", "analyst@csirt.test");
        await page.ClickAsync("#u-save");
        await Expect(page.Locator("#incident-assignee")).ToHaveTextAsync("analyst@csirt.test");

        var timeline = page.Locator("#timeline li");
        await Expect(timeline.First).ToContainTextAsync("a modifié l'incident");
        await Expect(page.Locator("#timeline li[data-kind=qualified]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#timeline li[data-kind=stateChanged]")).ToHaveCountAsync(1);
        await WorkspaceApp.ScreenshotAsync(page, "incident");

        // The same page in English.
        await page.GotoAsync($"/culture/en?returnUrl=/incidents/{number}");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("Triage");
        await Expect(page.Locator("#tab-timeline")).ToHaveTextAsync("Timeline");
        Assert.Empty(WorkspaceApp.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_red_incident_of_another_analyst_is_not_found_while_the_lead_sees_it()
    {
        var number = await CreateIncidentAsync("Confidential intrusion", tlp: "TLP:RED", user: "lead");
        var analyst = await app.SignInAsync("analyst");
        var response = await analyst.GotoAsync($"/incidents/{number}");
        Assert.Equal(404, response!.Status);
        await Expect(analyst.Locator("h1")).ToHaveTextAsync("Introuvable");
        await analyst.GotoAsync("/incidents");
        await Expect(analyst.Locator($"#incident-list a:text-is('{number}')")).ToHaveCountAsync(0);

        var lead = await app.SignInAsync("lead");
        await lead.GotoAsync($"/incidents/{number}");
        await Expect(lead.Locator("#incident-title")).ToHaveTextAsync("Confidential intrusion");
        await analyst.Context.CloseAsync();
        await lead.Context.CloseAsync();
    }

    [Fact]
    public async Task An_auditor_reads_an_incident_but_gets_no_form_and_a_forged_post_changes_nothing()
    {
        var number = await CreateIncidentAsync("Read-only view");
        var page = await app.SignInAsync("auditor");
        await page.GotoAsync($"/incidents/{number}");
        await Expect(page.Locator("#incident-title")).ToHaveTextAsync("Read-only view");
        await Expect(page.Locator("#qualification")).ToHaveCountAsync(0);

        // Forge the analyst's form post with the auditor's session and a valid antiforgery token.
        var token = await page.Locator("header input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var response = await page.APIRequest.PostAsync($"/incidents/{number}", new()
        {
            Form = FormOf(page.APIRequest, ("_handler", "move"), ("__RequestVerificationToken", token!), ("M.To", "rejected"), ("M.Reason", "forged")),
        });
        // No form of that name is rendered for an auditor, so the post is refused before any handler runs.
        Assert.InRange(response.Status, 400, 403);
        var check = await app.Client("analyst").GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/incidents/{number}", TestContext.Current.CancellationToken);
        Assert.Equal("new", check.GetProperty("state").GetString());
        await page.Context.CloseAsync();
    }

    private static IFormData FormOf(IAPIRequestContext request, params (string Name, string Value)[] fields)
    {
        var form = request.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }
        return form;
    }
}
