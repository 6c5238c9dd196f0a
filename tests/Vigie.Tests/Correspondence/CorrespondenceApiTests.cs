using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Core.Incidents;
using Vigie.Core.Sharing;
using Vigie.Data;
using Vigie.Features.Correspondence;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Intake;
using Vigie.Tests.Mail;
using Vigie.Tests.Pgp;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Correspondence;

/// <summary>
/// The correspondence API against the whole host (intake SMTP listener, outbound mailer, real SMTP sink
/// as the relay, team key, Lilas with Bob's key): the sharing gate is enforced server-side, what it
/// lets through leaves signed and encrypted (checked with real gpg), and replies thread back.
/// </summary>
public abstract class CorrespondenceApiTests(IntakeApp app) : IDisposable
{
    private readonly GpgHome _gpg = new();

    public void Dispose()
    {
        _gpg.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_red_share_to_a_party_that_is_not_named_is_refused_and_nothing_reaches_the_outbox()
    {
        var number = await IncidentAsync("Confidential intrusion", "TLP:RED");
        var stranger = await PartyAsync(number, new { kind = "csirt", name = "Other CERT", email = "mallory@elsewhere.test" });
        Assert.False(stranger["sharing"]!["allowed"]!.GetValue<bool>());
        Assert.Equal("not-named-recipient", stranger["sharing"].Str("reason"));

        var problem = await app.Client().PostJson($"/api/v1/incidents/{number}/messages",
            new { partyId = Id(stranger), subject = "Heads up", text = "We see an intrusion." }).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("not-named-recipient", problem.Str("code"));
        Assert.Equal("not-named-recipient", problem.Str("reason"));
        Assert.Equal("TLP:RED", problem.Str("tlp"));
        Assert.StartsWith("TLP:RED: this incident may be shared with its named recipients only", problem["reasonText"].Str("en"), StringComparison.Ordinal);
        Assert.StartsWith("TLP:RED : cet incident ne peut être partagé qu'avec ses destinataires nommés", problem["reasonText"].Str("fr"), StringComparison.Ordinal);

        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == number, Ct);
            Assert.False(await db.OutboundMessages.AnyAsync(o => o.IncidentId == incident.Id, Ct));
            var refused = await db.TimelineEvents.AsNoTracking().SingleAsync(e => e.IncidentId == incident.Id && e.Kind == TimelineKind.ShareRefused, Ct);
            Assert.Equal("analyst@csirt.test", refused.Actor);
            Assert.Equal("mallory@elsewhere.test", refused.ReadData()["to"]);
            Assert.Equal("TLP:RED", refused.ReadData()["tlp"]);
            Assert.Equal("not-named-recipient", refused.ReadData()["reason"]);
        }
        Assert.DoesNotContain(app.Sink.Received, m => m.To.Contains("mallory@elsewhere.test"));

        // The refusal is in the thread; a named recipient of the constituent, with a key, gets it encrypted.
        var view = await app.Client().GetAsync($"/api/v1/incidents/{number}/correspondence", Ct).Expect(HttpStatusCode.OK);
        var message = view["parties"]![0]!["messages"]![0]!;
        Assert.Equal("refused", message.Str("status"));
        Assert.Equal("not-named-recipient", message.Str("refusalCode"));
        var bob = await PartyAsync(number, new { contactId = await ContactAsync("bob@partner.test"), namedRecipient = true });
        Assert.True(bob["sharing"]!["allowed"]!.GetValue<bool>());
        var sent = await app.Client().PostJson($"/api/v1/incidents/{number}/messages",
            new { partyId = Id(bob), template = "notify-constituent", language = "en" }).Expect(HttpStatusCode.Created);
        Assert.True(sent["encrypted"]!.GetValue<bool>());
        Assert.Equal("queued", sent.Str("status"));
    }

    [Fact]
    public async Task An_amber_share_without_the_recipients_key_is_refused()
    {
        var number = await IncidentAsync("Malware on a workstation", "TLP:AMBER");
        var soc = await PartyAsync(number, new { contactId = await ContactAsync("soc@lilas.example") });
        Assert.Equal("constituentContact", soc.Str("kind"));
        Assert.False(soc["hasKey"]!.GetValue<bool>());
        var problem = await app.Client().PostJson($"/api/v1/incidents/{number}/messages",
            new { partyId = Id(soc), template = "notify-constituent", language = "fr" }).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("no-recipient-key", problem.Str("code"));
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == number, Ct);
        Assert.False(await db.OutboundMessages.AnyAsync(o => o.IncidentId == incident.Id, Ct));
        Assert.Equal(MessageStatus.Refused, (await db.CorrespondenceMessages.AsNoTracking().SingleAsync(m => m.IncidentId == incident.Id, Ct)).Status);
    }

    [Fact]
    public async Task A_consented_share_to_an_isp_goes_out_signed_and_encrypted_and_gpg_reads_it()
    {
        var number = await IncidentAsync("Phishing kit on a hosted server", "TLP:AMBER");
        await app.Client().PostJson($"/api/v1/incidents/{number}/observables", new { value = "hxxps://login-lilas[.]partner[.]test/kit" })
            .Expect(HttpStatusCode.Created);
        var isp = await PartyAsync(number, new
        {
            kind = "abuseDesk",
            name = "Partner hosting abuse desk",
            email = "alice@partner.test",
            pgpPublicKey = await File.ReadAllTextAsync(TestKeys.File("alice.pub.asc"), Ct),
        });
        Assert.True(isp["hasKey"]!.GetValue<bool>());
        Assert.True(isp["sharing"]!["needToKnowRequired"]!.GetValue<bool>());
        var send = new { partyId = Id(isp), template = "abuse-request", language = "both", needToKnow = "They host the phishing kit and can take it down." };

        // AMBER outside Lilas: a justification first, then Lilas' consent.
        var noJustification = await app.Client().PostJson($"/api/v1/incidents/{number}/messages", send with { needToKnow = "" })
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal("need-to-know-missing", noJustification.Str("code"));
        Assert.Equal("no-consent", (await app.Client().PostJson($"/api/v1/incidents/{number}/messages", send).ExpectProblem(HttpStatusCode.Conflict)).Str("code"));
        var consent = await app.Client().PostJson($"/api/v1/incidents/{number}/consents",
            new { givenBy = "Jane Roe, CISO of Lilas, by phone", scope = "domain", value = "Partner.test", standing = false, note = "takedown only" })
            .Expect(HttpStatusCode.Created);
        Assert.Equal("partner.test", consent.Str("value"));
        Assert.False(consent["standing"]!.GetValue<bool>());

        var sent = await app.Client().PostJson($"/api/v1/incidents/{number}/messages", send).Expect(HttpStatusCode.Created);
        Assert.True(sent["encrypted"]!.GetValue<bool>());
        Assert.Equal("They host the phishing kit and can take it down.", sent.Str("needToKnow"));

        // At the relay: to Alice only, subject marked and tagged, body signed and encrypted (RFC 3156).
        var mail = await ReceivedAsync("alice@partner.test", number);
        Assert.StartsWith("TLP:AMBER Signalement d'abus - incident " + number, mail.Subject, StringComparison.Ordinal);
        Assert.EndsWith($"[cegedim.cloud CSIRT #{number}]", mail.Subject, StringComparison.Ordinal);
        Assert.Null(mail.Headers[HeaderId.AutoSubmitted]);
        var encrypted = Assert.IsType<MultipartEncrypted>(mail.Body);
        var (status, plain) = await DecryptAsync(encrypted);
        Assert.Contains("DECRYPTION_OKAY", status, StringComparison.Ordinal);
        Assert.Contains("GOODSIG", status, StringComparison.Ordinal);
        Assert.Contains(TestKeys.TeamFingerprint, status, StringComparison.Ordinal);
        Assert.Contains("TLP:AMBER", plain, StringComparison.Ordinal);
        Assert.Contains("- url: https://login-lilas.partner.test/kit", plain, StringComparison.Ordinal);
        var french = plain.IndexOf("Nous vous demandons", StringComparison.Ordinal);
        var english = plain.IndexOf("Please take the necessary action", StringComparison.Ordinal);
        Assert.True(french >= 0 && english > french, plain);

        // On the timeline: who sent what to whom under which TLP, and the justification.
        await using (var scope = app.Scope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == number, Ct);
            var events = await db.TimelineEvents.AsNoTracking().Where(e => e.IncidentId == incident.Id).ToListAsync(Ct);
            var sentEvent = Assert.Single(events, e => e.Kind == TimelineKind.MessageSent);
            Assert.Equal("analyst@csirt.test", sentEvent.Actor);
            Assert.Equal("alice@partner.test", sentEvent.ReadData()["to"]);
            Assert.Equal("TLP:AMBER", sentEvent.ReadData()["tlp"]);
            Assert.Equal("true", sentEvent.ReadData()["encrypted"]);
            Assert.Equal("Need to know: They host the phishing kit and can take it down.", sentEvent.Reason);
            Assert.Equal(2, events.Count(e => e.Kind == TimelineKind.ShareRefused));
            Assert.Equal("Jane Roe, CISO of Lilas, by phone", Assert.Single(events, e => e.Kind == TimelineKind.ConsentRecorded).ReadData()["givenBy"]);
        }
        await Eventually(async () => (await MessageAsync(number, sent.Str("id"))).Str("status") == "sent", "the message to be sent");
    }

    [Fact]
    public async Task A_reply_mailed_back_threads_to_the_incident_and_marks_the_message_answered()
    {
        var number = await IncidentAsync("Ransomware note found", "TLP:GREEN");
        var bob = await PartyAsync(number, new { contactId = await ContactAsync("bob@partner.test") });
        var sent = await app.Client().PostJson($"/api/v1/incidents/{number}/messages",
            new { partyId = Id(bob), subject = "Please check your file server", text = "Hello Bob,\nplease check 45.83.64.80.\n", language = "en" })
            .Expect(HttpStatusCode.Created);
        var mail = await ReceivedAsync("bob@partner.test", number);
        Assert.IsType<MultipartEncrypted>(mail.Body); // GREEN, but Bob's key is known: encrypted anyway
        Assert.Equal("[TLP:GREEN] Please check your file server [cegedim.cloud CSIRT #" + number + "]", mail.Subject);
        await Eventually(async () => (await MessageAsync(number, sent.Str("id"))).Str("status") == "sent", "the message to be sent");

        // Bob answers from his mail client: In-Reply-To our message, the subject kept.
        var tag = Guid.NewGuid().ToString("N")[..8];
        await SendToIntakeAsync("bob@partner.test", TestKeys.Crlf(
            $"From: Bob Partner <bob@partner.test>\nTo: {IntakeApp.Incident}\nSubject: Re: {mail.Subject}\nMessage-ID: <{tag}@partner.test>\n" +
            $"In-Reply-To: <{mail.MessageId}>\nReferences: <{mail.MessageId}>\n\nChecked: the server was encrypted, we restore from backups.\n"));

        JsonNode? thread = null;
        await Eventually(async () =>
        {
            var view = await app.Client().GetAsync($"/api/v1/incidents/{number}/correspondence", Ct).Expect(HttpStatusCode.OK);
            thread = view["parties"]![0]!["messages"];
            return thread!.AsArray().Count == 2;
        }, "the reply to join the thread");
        Assert.Equal("answered", thread![0].Str("status"));
        Assert.NotNull(thread[0]!["answeredAt"]);
        Assert.Equal("in", thread[1].Str("direction"));
        Assert.Equal("received", thread[1].Str("status"));
        Assert.Equal("bob@partner.test", thread[1].Str("createdBy"));
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == number, Ct);
        var report = await db.Reports.AsNoTracking().SingleAsync(r => r.MessageId == $"{tag}@partner.test", Ct);
        Assert.Equal(incident.Id, report.IncidentId);
        Assert.Equal(Core.Reports.ReportKind.Reply, report.Kind);
        var received = await db.TimelineEvents.AsNoTracking().SingleAsync(e => e.IncidentId == incident.Id && e.Kind == TimelineKind.MessageReceived, Ct);
        Assert.Equal(report.Id.ToString(), received.ReadData()["report"]);
        Assert.Equal("bob@partner.test", received.ReadData()["from"]);
        // Reprocessing the reply records nothing twice.
        await using var again = app.Scope();
        var inbox = again.ServiceProvider.GetRequiredService<CorrespondenceInbox>();
        var againDb = again.ServiceProvider.GetRequiredService<VigieDb>();
        await inbox.RecordAsync(await againDb.Reports.SingleAsync(r => r.Id == report.Id, Ct), await againDb.Incidents.SingleAsync(i => i.Id == incident.Id, Ct),
            "bob@partner.test", app.Time.GetUtcNow(), Ct);
        await againDb.SaveChangesAsync(Ct);
        Assert.Equal(2, await againDb.CorrespondenceMessages.CountAsync(m => m.IncidentId == incident.Id, Ct));
    }

    [Fact]
    public async Task A_bounce_of_our_message_marks_it_bounced()
    {
        var number = await IncidentAsync("Defacement", "TLP:CLEAR");
        var gone = await PartyAsync(number, new { kind = "other", name = "Gone", email = "gone@nowhere.test" });
        await app.Client().PostJson($"/api/v1/incidents/{number}/consents", new { givenBy = "Lilas SOC", scope = "address", value = "gone@nowhere.test" })
            .Expect(HttpStatusCode.Created);
        var sent = await app.Client().PostJson($"/api/v1/incidents/{number}/messages", new { partyId = Id(gone), subject = "Hello", text = "Public info." })
            .Expect(HttpStatusCode.Created);
        Assert.False(sent["encrypted"]!.GetValue<bool>());
        var mail = await ReceivedAsync("gone@nowhere.test", number);
        Assert.IsType<MultipartSigned>(mail.Body); // no key: signed only
        await SendToIntakeAsync("MAILER-DAEMON@mx.nowhere.test", TestKeys.Crlf(
            $"From: Mail Delivery System <MAILER-DAEMON@mx.nowhere.test>\nTo: {IntakeApp.Incident}\nSubject: Undelivered Mail Returned to Sender\n" +
            $"Message-ID: <dsn-{Guid.NewGuid():N}@mx.nowhere.test>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n" +
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"dsn\"\n\n" +
            "--dsn\nContent-Type: text/plain\n\nThe mailbox does not exist.\n\n" +
            "--dsn\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.nowhere.test\n\n" +
            "Final-Recipient: rfc822; gone@nowhere.test\nAction: failed\nStatus: 5.1.1\n\n" +
            $"--dsn\nContent-Type: text/rfc822-headers\n\nFrom: {IntakeApp.Incident}\nTo: gone@nowhere.test\nMessage-ID: <{mail.MessageId}>\n\n--dsn--\n"));
        await Eventually(async () => (await MessageAsync(number, sent.Str("id"))).Str("status") == "bounced", "the message to be marked bounced");
    }

    [Fact]
    public async Task A_sent_message_without_answer_becomes_overdue_after_the_configured_time()
    {
        var number = await IncidentAsync("Scan from a partner", "TLP:GREEN");
        var soc = await PartyAsync(number, new { contactId = await ContactAsync("it@lilas.example") });
        var sent = await app.Client().PostJson($"/api/v1/incidents/{number}/messages", new { partyId = Id(soc), template = "notify-constituent", language = "fr" })
            .Expect(HttpStatusCode.Created);
        await Eventually(async () => (await MessageAsync(number, sent.Str("id"))).Str("status") == "sent", "the message to be sent");
        app.Time.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        Assert.Equal("overdue", (await MessageAsync(number, sent.Str("id"))).Str("status"));
    }

    [Fact]
    public async Task Bulk_notify_sends_one_message_per_party_and_says_what_happened_to_each()
    {
        var number = await IncidentAsync("Botnet members in Lilas' range", "TLP:GREEN");
        var bob = Id(await PartyAsync(number, new { contactId = await ContactAsync("bob@partner.test") }));
        var it = Id(await PartyAsync(number, new { contactId = await ContactAsync("it@lilas.example") }));
        var cert = Id(await PartyAsync(number, new { kind = "csirt", email = "cert@elsewhere.test" }));
        var result = await app.Client().PostJson($"/api/v1/incidents/{number}/notifications",
            new { partyIds = new[] { bob, it, cert }, template = "notify-constituent", language = "fr", redact = true }).Expect(HttpStatusCode.OK);
        var lines = result["lines"]!.AsArray();
        Assert.Equal(3, lines.Count);
        Assert.Equal("queued", lines.Single(l => l.Str("partyId") == bob).Str("result"));
        Assert.Equal("queued", lines.Single(l => l.Str("partyId") == it).Str("result"));
        var refused = lines.Single(l => l.Str("partyId") == cert);
        Assert.Equal("refused", refused.Str("result"));
        Assert.Equal("no-consent", refused.Str("reason"));
        await ReceivedAsync("it@lilas.example", number);
        await ReceivedAsync("bob@partner.test", number);
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var batch = Guid.Parse(result.Str("batchId"));
        Assert.Equal(3, await db.CorrespondenceMessages.CountAsync(m => m.BatchId == batch, Ct));
        Assert.True(await db.CorrespondenceMessages.Where(m => m.BatchId == batch && m.Status == MessageStatus.Queued).AllAsync(m => m.Redacted, Ct));
    }

    [Fact]
    public async Task Redaction_removes_the_reporters_identity_from_what_is_sent()
    {
        var number = await IncidentAsync("Reported by a citizen", "TLP:GREEN");
        await using (var scope = app.Scope())
        {
            // A report from Jane, linked to the incident.
            var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
            var incident = await db.Incidents.SingleAsync(i => i.Number == number, Ct);
            var report = new Core.Reports.Report(new string('a', 64), 10, $"{Guid.NewGuid():N}@example.org", "Phishing", "Jane Doe <jane.doe@example.org>",
                Core.Reports.ReportSource.Api, "test", IntakeApp.Incident, app.Time.GetUtcNow());
            db.Reports.Add(report);
            Assert.Null(report.LinkTo(incident, "test", app.Time.GetUtcNow()));
            await db.SaveChangesAsync(Ct);
        }
        var it = Id(await PartyAsync(number, new { contactId = await ContactAsync("it@lilas.example") }));
        var sent = await app.Client().PostJson($"/api/v1/incidents/{number}/messages", new
        {
            partyId = it,
            subject = "Report from jane.doe@example.org",
            text = "Jane Doe (jane.doe[at]example[.]org) saw a phishing page.",
            redact = true,
        }).Expect(HttpStatusCode.Created);
        Assert.True(sent["redacted"]!.GetValue<bool>());
        Assert.DoesNotContain("jane", sent.Str("text"), StringComparison.OrdinalIgnoreCase);
        var mail = await ReceivedAsync("it@lilas.example", number);
        Assert.Contains("[redacted]", mail.Subject, StringComparison.Ordinal);
        var text = ((TextPart)((MultipartSigned)mail.Body!)[0]).Text;
        Assert.Contains("[redacted] ([redacted]) saw a phishing page.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_follows_the_incident_rules()
    {
        var red = await IncidentAsync("Lead's secret", "TLP:RED", user: "lead");
        await app.Client("analyst").GetAsync($"/api/v1/incidents/{red}/correspondence", Ct).ExpectProblem(HttpStatusCode.NotFound);
        await app.Client("analyst").PostJson($"/api/v1/incidents/{red}/parties", new { kind = "csirt", email = "x@y.test" })
            .ExpectProblem(HttpStatusCode.NotFound);
        var number = await IncidentAsync("Open case", "TLP:GREEN");
        await app.Client("auditor").GetAsync($"/api/v1/incidents/{number}/correspondence", Ct).Expect(HttpStatusCode.OK);
        var forbidden = await app.Client("analyst-readonly").PostJson($"/api/v1/incidents/{number}/parties", new { kind = "csirt", email = "x@y.test" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var bad = await app.Client().PostJson($"/api/v1/incidents/{number}/parties", new { kind = "martian", email = "not-an-address" })
            .ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Equal(2, bad["errors"]!.AsObject().Count);
        var party = await PartyAsync(number, new { kind = "csirt", email = "x@y.test" });
        await app.Client().PostJson($"/api/v1/incidents/{number}/parties", new { kind = "csirt", email = "X@Y.test" }).ExpectProblem(HttpStatusCode.Conflict);
        await app.Client().PostJson($"/api/v1/incidents/{number}/messages", new { partyId = Id(party), template = "nope" })
            .ExpectProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Every_shipped_template_renders_in_both_languages_and_a_broken_edit_is_refused_with_its_position()
    {
        await using var scope = app.Scope();
        var templates = scope.ServiceProvider.GetRequiredService<CorrespondenceTemplates>();
        foreach (var key in CorrespondenceTemplates.Keys)
        {
            foreach (var language in new[] { "fr", "en", "both" })
            {
                var rendered = await templates.RenderAsync(key, language, CorrespondenceTemplates.SampleModel, Ct);
                Assert.True(rendered.IsSuccess, $"{key}.{language}: {rendered.Error?.Message}");
                Assert.Contains("TLP:AMBER", rendered.Value!.Subject, StringComparison.Ordinal);
                Assert.Contains("2026-0042", rendered.Value.Body, StringComparison.Ordinal);
                Assert.DoesNotContain("{{", rendered.Value.Body, StringComparison.Ordinal);
            }
        }
        var broken = await templates.SaveAsync("abuse-request", "en", "Subject {{ incident.number }}", "Hello\n{% if x %}\nno end", "lead@csirt.test", Ct);
        Assert.NotNull(broken);
        Assert.Contains("body", broken!.Fields!.Keys);
        Assert.Contains("line", broken.Message, StringComparison.Ordinal);
        var unknown = await templates.SaveAsync("abuse-request", "en", "Subject {{ incident.nmber }}", "Hello", "lead@csirt.test", Ct);
        Assert.Contains("subject", unknown!.Fields!.Keys);
        Assert.Null(await templates.SaveAsync("abuse-request", "en", "Abuse {{ incident.number }}", "Hello {{ party.name }}", "lead@csirt.test", Ct));
        var edited = await templates.RenderAsync("abuse-request", "en", CorrespondenceTemplates.SampleModel, Ct);
        Assert.Equal(("Abuse 2026-0042", "Hello Jane Roe\n"), (edited.Value!.Subject, edited.Value.Body));
        await templates.ResetAsync("abuse-request", "en", Ct);
        Assert.False((await templates.GetAsync("abuse-request", "en", Ct)).Edited);
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private async Task<string> IncidentAsync(string title, string tlp, string user = "analyst")
    {
        var body = await app.Client(user).PostJson("/api/v1/incidents", new { title, tlp, constituentId = app.Lilas }).Expect(HttpStatusCode.Created);
        return body.Str("number");
    }

    private async Task<JsonNode> PartyAsync(string number, object body) =>
        await app.Client().PostJson($"/api/v1/incidents/{number}/parties", body).Expect(HttpStatusCode.Created);

    private static string Id(JsonNode node) => node.Str("id");

    private async Task<Guid> ContactAsync(string email)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Contacts.Where(c => c.Email == email).Select(c => c.Id).SingleAsync(Ct);
    }

    private async Task<JsonNode> MessageAsync(string number, string id)
    {
        var view = await app.Client().GetAsync($"/api/v1/incidents/{number}/correspondence", Ct).Expect(HttpStatusCode.OK);
        return view["parties"]!.AsArray().SelectMany(p => p!["messages"]!.AsArray()).Single(m => m.Str("id") == id)!;
    }

    /// <summary>The mail the relay received for <paramref name="to"/> about incident <paramref name="number"/>.</summary>
    private async Task<MimeMessage> ReceivedAsync(string to, string number)
    {
        MimeMessage? found = null;
        await Eventually(() =>
        {
            found = app.Sink.Received.Where(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase)).Select(m => Mime(m.Data))
                .FirstOrDefault(m => (m.Subject ?? "").Contains($"#{number}]", StringComparison.Ordinal));
            return Task.FromResult(found is not null);
        }, $"a mail to {to} about {number}");
        return found!;
    }

    /// <summary>Decrypts with the recipient's gpg (RFC 3156 §4: part 2 is the OpenPGP message); returns gpg's status and the text inside.</summary>
    private async Task<(string Status, string Text)> DecryptAsync(MultipartEncrypted encrypted)
    {
        var (status, entity) = await _gpg.DecryptPgpMimeAsync(encrypted, Ct);
        var text = entity is TextPart part ? part.Text : entity is Multipart m ? ((TextPart)m[0]).Text : entity.ToString();
        return (status, text);
    }

    private async Task SendToIntakeAsync(string from, string raw)
    {
        using var client = new SmtpClient();
        var endpoint = app.SmtpEndPoint();
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None, Ct);
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)), Ct);
        await client.SendAsync(message, MailboxAddress.Parse(from), [MailboxAddress.Parse(IntakeApp.Incident)], Ct);
        await client.DisconnectAsync(true, Ct);
    }
}

public sealed class CorrespondenceApiSqliteTests(IntakeSqliteApp app) : CorrespondenceApiTests(app), IClassFixture<IntakeSqliteApp>;

public sealed class CorrespondenceApiPostgresTests(IntakePostgresApp app) : CorrespondenceApiTests(app), IClassFixture<IntakePostgresApp>;
