using System.Net.Http.Json;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Playwright;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Browser.Tests.Infrastructure;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Mail;
using Vigie.Tests.Pgp;
using static Microsoft.Playwright.Assertions;

namespace Vigie.Browser.Tests.Workspace;

/// <summary>
/// The "done when", as one analyst walks it in Chromium: a report mailed to the team's SMTP
/// listener becomes an incident; the analyst qualifies it, adds tasks from a playbook, sends an
/// encrypted notification to the constituent's contact (read back with gpg at the relay), sees a TLP:RED
/// share to a third party refused, writes the review, closes the incident and downloads the PDF report —
/// without touching the API (the test reads the API only to check).
/// </summary>
public sealed class AnalystWalkTests(AnalystWalkApp app) : IClassFixture<AnalystWalkApp>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly GpgHome _gpg = new();

    public void Dispose() => _gpg.Dispose();

    [Fact]
    public async Task A_mailed_report_becomes_a_closed_incident_with_a_review_and_a_pdf_report()
    {
        // 1. A partner SOC mails a report about a Lilas address to the incident address.
        var subject = "Compromised host 45.83.64.77 beaconing to a C2";
        using (var smtp = new SmtpClient())
        {
            var endpoint = app.SmtpEndPoint();
            await smtp.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None, Ct);
            var message = new MimeMessage();
            message.From.Add(new MailboxAddress("Partner SOC", "soc@partner-soc.example"));
            message.To.Add(MailboxAddress.Parse(WorkspaceApp.IncidentAddress));
            message.Subject = subject;
            message.MessageId = $"{Guid.NewGuid():N}@partner-soc.example";
            message.Body = new TextPart("plain")
            {
                Text = "Hello,\n\nWe see 45.83.64.77 beaconing every 60 s to hxxp://c2[.]bad-actor[.]example/gate.php\n" +
                       "since 2026-03-09 08:00 UTC. Sample SHA-256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n\nRegards,\nPartner SOC",
            };
            await smtp.SendAsync(message, Ct);
            await smtp.DisconnectAsync(true, Ct);
        }

        // Intake reads it, recognises Lilas' address and opens an incident in state "new".
        var api = app.Client("auditor");
        string? number = null;
        await MailTestKit.Eventually(async () =>
        {
            var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/incidents?state=new&limit=50", Ct);
            number = list.GetProperty("items").EnumerateArray()
                .Where(i => i.GetProperty("title").GetString() == subject).Select(i => i.GetProperty("number").GetString()).FirstOrDefault();
            return number is not null;
        }, "the incident opened by intake");

        // 2. The analyst finds it from the dashboard.
        var page = await app.SignInAsync("analyst");
        await page.ClickAsync("#state-counts [data-state=new]");
        await page.ClickAsync($"#incident-list a:text-is('{number}')");
        await Expect(page.Locator("#incident-title")).ToHaveTextAsync(subject);
        await Expect(page.Locator("#incident-constituent")).ToHaveTextAsync("Lilas");
        await page.ClickAsync("#tab-reports");
        await Expect(page.Locator("#incident-reports")).ToContainTextAsync("soc@partner-soc.example");

        // 3. Qualifies it: infected system, high × high → P2; takes it.
        await page.SelectOptionAsync("#q-type", "malicious-code/infected-system");
        await page.SelectOptionAsync("#q-severity", "high");
        await page.SelectOptionAsync("#q-impact", "high");
        await page.ClickAsync("#q-save");
        await Expect(page.Locator(".incident-header .badge.p2")).ToHaveTextAsync("P2");
        await page.SelectOptionAsync("#u-assignee", "analyst@csirt.test");
        await page.ClickAsync("#u-save");
        await Expect(page.Locator("#incident-assignee")).ToHaveTextAsync("analyst@csirt.test");
        await page.ClickAsync("#move-triage");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("En tri");
        await page.ClickAsync("#move-open");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("Ouvert");

        // The report's observables were attached to the incident.
        await page.ClickAsync("#tab-observables");
        await Expect(page.Locator("#observables")).ToContainTextAsync("45.83.64.77");

        // 4. Tasks from the playbook the incident's type calls for.
        await page.ClickAsync("#tab-tasks");
        await page.ClickAsync("#playbook-apply");
        await Expect(page.Locator(".alert.ok")).ToContainTextAsync("Procédure appliquée");
        var tasks = await page.Locator("tr[data-task]").CountAsync();
        Assert.True(tasks >= 3, $"only {tasks} tasks from the playbook");

        // 5. An encrypted notification to Bob, a Lilas contact whose key we hold.
        await page.ClickAsync("#tab-correspondence");
        await page.SelectOptionAsync("#p-source", new SelectOptionValue { Label = "Lilas · Bob Partner <bob@partner.test>" });
        await page.ClickAsync("#p-add");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Partie ajoutée.");
        await page.SelectOptionAsync("#c-party", new SelectOptionValue { Label = "Bob Partner <bob@partner.test>" });
        await page.SelectOptionAsync("#c-template", "notify-constituent");
        await page.SelectOptionAsync("#c-language", "fr");
        await page.ClickAsync("#c-fill");
        await page.ClickAsync("#c-send");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Message mis en file d'envoi.");
        var mail = await WaitForMailAsync("bob@partner.test", number!);
        var (status, inner) = await _gpg.DecryptPgpMimeAsync(Assert.IsType<MultipartEncrypted>(mail.Body), Ct);
        Assert.Contains("DECRYPTION_OKAY", status, StringComparison.Ordinal);
        Assert.Contains("GOODSIG", status, StringComparison.Ordinal);
        var text = inner.ToString();
        Assert.Contains(number!, text, StringComparison.Ordinal);
        Assert.Contains("45.83.64.77", text, StringComparison.Ordinal);

        // 6. The reporter asks for TLP:RED handling: a share to another CSIRT is refused, with the reason.
        await page.SelectOptionAsync("#q-tlp", "TLP:RED");
        await page.FillAsync("input[name='Q.Reason']", "Reporter asked for TLP:RED");
        await page.ClickAsync("#q-save");
        await Expect(page.Locator(".incident-header .badge.tlp-red")).ToHaveTextAsync("TLP:RED");
        await page.GotoAsync($"/incidents/{number}?tab=correspondence");
        await page.SelectOptionAsync("#p-kind", "csirt");
        await page.FillAsync("#p-name", "CERT voisin");
        await page.FillAsync("#p-email", "cert@neighbour.example");
        await page.ClickAsync("#p-add");
        await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Partie ajoutée.");
        await page.SelectOptionAsync("#c-party", new SelectOptionValue { Label = "CERT voisin <cert@neighbour.example>" });
        await page.SelectOptionAsync("#c-template", "csirt-coordination");
        await page.ClickAsync("#c-fill");
        await page.ClickAsync("#c-send");
        await Expect(page.Locator("#share-refused")).ToContainTextAsync("TLP:RED");
        Assert.DoesNotContain(app.Sink.Received, m => m.To.Contains("cert@neighbour.example"));

        // 7. Contained, resolved; closing a P2 needs the review first.
        await page.FillAsync("#move-reason", "Host isolated");
        await page.ClickAsync("#move-contained");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("Contenu");
        await page.ClickAsync("#move-resolved");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("Résolu");
        await page.FillAsync("#move-reason", "Host reimaged");
        await page.ClickAsync("#move-closed");
        await Expect(page.Locator(".alert.error").First).ToContainTextAsync("review");

        await page.GotoAsync($"/incidents/{number}?tab=review");
        await page.FillAsync("#review-rootCause", "Unpatched VPN appliance exploited.");
        await page.FillAsync("#review-whatWorked", "The partner's report arrived within the hour.");
        await page.FillAsync("#review-whatDidNotWork", "No EDR on the server.");
        await page.FillAsync("#review-preventiveMeasures", "Patch within 7 days; EDR on every server.");
        await page.FillAsync("#review-lessons", "Exposure inventory must include appliances.");
        await page.FillAsync("#rec-0-text", "Deploy EDR on all Lilas servers");
        await page.FillAsync("#rec-0-owner", "lead@csirt.test");
        await page.ClickAsync("#review-complete");
        await Expect(page.Locator("#review-status")).ToHaveAttributeAsync("data-complete", "true");
        await page.FillAsync("#move-reason", "Host reimaged, review done");
        await page.ClickAsync("#move-closed");
        await Expect(page.Locator(".incident-header [data-state]")).ToHaveTextAsync("Clos");

        // 8. The closure report, as a PDF, in English this time.
        await page.GotoAsync($"/incidents/{number}?tab=review");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#report-pdf-en"));
        var path = await download.PathAsync();
        var pdf = await File.ReadAllBytesAsync(path, Ct);
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        var pdfText = await PdfText.ReadAsync(path, Ct);
        Assert.Contains("TLP:RED", pdfText, StringComparison.Ordinal);
        Assert.Contains("Unpatched VPN appliance exploited.", pdfText, StringComparison.Ordinal);
        Assert.Contains(number!, pdfText, StringComparison.Ordinal);

        // Everything is on the timeline, and the browser reported no error on the way.
        // (Read as the analyst: the incident is TLP:RED now, and its assignee is among the few who see it.)
        var timeline = await app.Client("analyst").GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/timeline", Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/incidents/{number}", Ct)).StatusCode);
        var kinds = timeline.EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToHashSet();
        foreach (var kind in new[] { "created", "reportLinked", "qualified", "stateChanged", "taskAdded", "messageSent", "shareRefused", "reviewUpdated", "exported" })
        {
            Assert.Contains(kind, kinds);
        }
        Assert.Empty(WorkspaceApp.ErrorsOf(page));
        await page.Context.CloseAsync();
    }

    private async Task<MimeMessage> WaitForMailAsync(string to, string number)
    {
        MimeMessage? mail = null;
        await MailTestKit.Eventually(() =>
        {
            mail = app.Sink.Received.Where(m => m.To.Contains(to)).Select(m => MimeMessage.Load(new MemoryStream(m.Data)))
                .FirstOrDefault(m => (m.Subject ?? "").Contains(number, StringComparison.Ordinal) && m.Body is MultipartEncrypted);
            return Task.FromResult(mail is not null);
        }, $"the encrypted mail to {to}");
        return mail!;
    }
}

/// <summary>The workspace with its SMTP listener on (port 0), so the walk starts from a real mail.</summary>
public sealed class AnalystWalkApp : WorkspaceApp
{
    public override Vigie.Tests.Infrastructure.Provider Provider => Vigie.Tests.Infrastructure.Provider.Sqlite;

    protected override IReadOnlyDictionary<string, string> ExtraSettings() =>
        new Dictionary<string, string>(base.ExtraSettings())
        {
            ["Vigie:Smtp:Enabled"] = "true",
            ["Vigie:Smtp:Port"] = "0",
        };
}
