using System.Net.Http.Json;
using Microsoft.Playwright;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Browser.Tests.Infrastructure;
using Vigie.Tests.Pgp;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Correspondence;

/// <summary>
/// The correspondence tab in Chromium, as an analyst uses it: an encrypted notification to Bob (a Lilas
/// contact whose key we hold) from a template, read back at the SMTP sink with Bob's gpg; a TLP:RED share
/// to a third party refused with the reason; the templates page for leads.
/// </summary>
public sealed class CorrespondenceTests(WorkspaceSqliteApp app) : IClassFixture<WorkspaceSqliteApp>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly GpgHome _gpg = new();

    public void Dispose()
    {
        _gpg.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task<string> CreateIncidentAsync(string title, string tlp)
    {
        var response = await app.Client("analyst").PostAsJsonAsync("/api/v1/incidents", new { title, tlp, constituentId = app.Lilas }, Ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        var number = body.GetProperty("number").GetString()!;
        (await app.Client("analyst").PostAsJsonAsync($"/api/v1/incidents/{number}/observables", new { value = "45.83.64.21" }, Ct)).EnsureSuccessStatusCode();
        return number;
    }

    [Fact]
    public async Task An_analyst_sends_an_encrypted_notification_to_bob_from_a_template()
    {
        var number = await CreateIncidentAsync("Compromised web server at Lilas", "TLP:AMBER");
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync($"/incidents/{number}?tab=correspondence");
        await Expect(page.Locator("#no-parties")).ToBeVisibleAsync();

        // Bob, from Lilas' contacts; an ISP by its address (no consent yet: the gate says so before anything is written).
        await page.SelectOptionAsync("#p-source", new SelectOptionValue { Label = "Lilas · Bob Partner <bob@partner.test>" });
        await page.ClickAsync("#p-add");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Partie ajoutée.");
        await page.SelectOptionAsync("#p-kind", "abuseDesk");
        await page.FillAsync("#p-name", "Hébergeur Exemple");
        await page.FillAsync("#p-email", "abuse@hoster.example");
        await page.ClickAsync("#p-add");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Partie ajoutée.");
        var bobThread = page.Locator(".thread[data-email='bob@partner.test']");
        await Expect(bobThread.Locator(".gate")).ToContainTextAsync("Partage autorisé, chiffré");
        var ispGate = page.Locator(".thread[data-email='abuse@hoster.example'] .gate");
        await Expect(ispGate).ToContainTextAsync("Aucun consentement du bénéficiaire ne couvre cette partie");
        await Expect(ispGate).ToContainTextAsync("Justification du besoin d'en connaître requise");

        // Compose from the template, in French, and send.
        await page.SelectOptionAsync("#c-party", new SelectOptionValue { Label = "Bob Partner <bob@partner.test>" });
        await page.SelectOptionAsync("#c-template", "notify-constituent");
        await page.SelectOptionAsync("#c-language", "fr");
        await page.ClickAsync("#c-fill");
        await Expect(page.Locator("#c-subject")).ToHaveValueAsync($"TLP:AMBER Incident de sécurité {number} : Compromised web server at Lilas");
        await Expect(page.Locator("#c-text")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("Bonjour Bob Partner,"));
        await page.FillAsync("#c-text", (await page.InputValueAsync("#c-text")).Replace("Cordialement,", "Merci d'avance,", StringComparison.Ordinal));
        await page.ClickAsync("#c-send");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Message mis en file d'envoi.");
        var message = bobThread.Locator("details.msg.out");
        await Expect(message).ToHaveCountAsync(1);
        await Expect(message.Locator(".badge.good").First).ToBeVisibleAsync();
        await Expect(message).ToContainTextAsync("Chiffré");

        // At the relay: encrypted to Bob, signed by the team; Bob's gpg reads the edited text.
        MimeMessage? mail = null;
        var deadline = Environment.TickCount64 + 30_000;
        while (mail is null && Environment.TickCount64 < deadline)
        {
            mail = app.Sink.Received.Where(m => m.To.Contains("bob@partner.test")).Select(m => MimeMessage.Load(new MemoryStream(m.Data)))
                .FirstOrDefault(m => (m.Subject ?? "").Contains(number, StringComparison.Ordinal));
            await Task.Delay(100, Ct);
        }
        Assert.NotNull(mail);
        Assert.EndsWith($"#{number}]", mail.Subject, StringComparison.Ordinal);
        var (status, inner) = await _gpg.DecryptPgpMimeAsync(Assert.IsType<MultipartEncrypted>(mail.Body), Ct);
        Assert.Contains("DECRYPTION_OKAY", status, StringComparison.Ordinal);
        Assert.Contains("GOODSIG", status, StringComparison.Ordinal);
        var text = Assert.IsType<TextPart>(inner).Text;
        Assert.StartsWith("TLP:AMBER", text, StringComparison.Ordinal);
        Assert.Contains("- ipv4: 45.83.64.21", text, StringComparison.Ordinal);
        Assert.Contains("Merci d'avance,", text, StringComparison.Ordinal);

        // The timeline says who sent what to whom, under which TLP.
        await page.GotoAsync($"/incidents/{number}?tab=timeline");
        var sent = page.Locator("#timeline li[data-kind=messageSent]");
        await Expect(sent).ToHaveCountAsync(1);
        await Expect(sent).ToContainTextAsync("bob@partner.test");
        await Expect(sent).ToContainTextAsync("TLP:AMBER");

        await page.GotoAsync($"/incidents/{number}?tab=correspondence");
        await message.Locator("summary").ClickAsync();
        await WorkspaceApp.ScreenshotAsync(page, "correspondence");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_red_share_to_a_third_party_is_refused_with_the_reason_and_nothing_is_sent()
    {
        var number = await CreateIncidentAsync("Intrusion under investigation", "TLP:RED");
        var page = await app.SignInAsync("analyst");
        await page.GotoAsync($"/incidents/{number}?tab=correspondence");
        await page.SelectOptionAsync("#p-kind", "csirt");
        await page.FillAsync("#p-name", "CERT voisin");
        await page.FillAsync("#p-email", "mallory@elsewhere.test");
        await page.ClickAsync("#p-add");
        await Expect(page.Locator(".thread[data-email='mallory@elsewhere.test'] .gate"))
            .ToContainTextAsync("TLP:RED : cet incident ne peut être partagé qu'avec ses destinataires nommés");

        await page.SelectOptionAsync("#c-template", "csirt-coordination");
        await page.ClickAsync("#c-send");
        var refusal = page.Locator("#share-refused");
        await Expect(refusal).ToContainTextAsync("Non envoyé : TLP:RED : cet incident ne peut être partagé qu'avec ses destinataires nommés");
        await Expect(refusal).ToHaveAttributeAsync("data-reason", "not-named-recipient");
        await Expect(page.Locator(".thread[data-email='mallory@elsewhere.test'] details.msg[data-status=refused]")).ToHaveCountAsync(1);
        await WorkspaceApp.ScreenshotAsync(page, "correspondence-refused");

        // The same refusal in English.
        await page.GotoAsync($"/culture/en?returnUrl=/incidents/{number}?tab=correspondence");
        await page.ClickAsync("#c-send");
        await Expect(page.Locator("#share-refused")).ToContainTextAsync("Not sent: TLP:RED: this incident may be shared with its named recipients only");

        await page.GotoAsync($"/incidents/{number}?tab=timeline");
        await Expect(page.Locator("#timeline li[data-kind=shareRefused]")).ToHaveCountAsync(2);
        await Task.Delay(500, Ct);
        Assert.DoesNotContain(app.Sink.Received, m => m.To.Contains("mallory@elsewhere.test"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_lead_edits_a_template_and_sees_a_syntax_error_with_its_line_while_an_analyst_may_not()
    {
        var analyst = await app.SignInAsync("analyst");
        await analyst.GotoAsync("/correspondence/templates");
        await Expect(analyst.Locator(".alert.error")).ToHaveTextAsync("Seuls les responsables et administrateurs modifient les modèles.");
        await analyst.Context.CloseAsync();

        var lead = await app.SignInAsync("lead");
        await lead.GotoAsync("/correspondence/templates");
        await Expect(lead.Locator("#templates tbody tr")).ToHaveCountAsync(10);
        await lead.ClickAsync("#edit-reporter-update-en");
        await Expect(lead.Locator("#t-subject")).ToHaveValueAsync("{{ incident.tlp }} Update on your report - incident {{ incident.number }}");
        await lead.FillAsync("#t-body", "Hello {{ party.name }},\n{% if incident.number %}\nno end");
        await lead.ClickAsync("#t-save");
        await Expect(lead.Locator(".alert.error")).ToContainTextAsync("does not parse (line");
        await lead.FillAsync("#t-body", "Hello {{ party.name }}, about {{ incident.number }}.\n{{ team.signature }}");
        await lead.ClickAsync("#t-preview");
        await Expect(lead.Locator("#t-preview-out")).ToContainTextAsync("Hello Jane Roe, about 2026-0042.");
        await lead.ClickAsync("#t-save");
        await Expect(lead.Locator(".alert.ok")).ToHaveTextAsync("Modèle enregistré.");
        await Expect(lead.Locator("tr[data-key=reporter-update][data-language=en] .badge.warn")).ToHaveTextAsync("Modifié");
        await WorkspaceApp.ScreenshotAsync(lead, "correspondence-templates");
        await lead.ClickAsync("#edit-reporter-update-en");
        await lead.ClickAsync("#t-reset");
        await Expect(lead.Locator(".alert.ok")).ToHaveTextAsync("Modèle par défaut rétabli.");
        await lead.Context.CloseAsync();
    }
}
