using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Core.Incidents;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.PublicSite;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Intake;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.PublicSite;

/// <summary>
/// The intake host (worker, SMTP relay sink, team key, Lilas and Mimosa) with tight contact-form limits:
/// three posts per client address and two reports per e-mail address an hour.
/// </summary>
public abstract class ContactApp : IntakeApp
{
    public const int PerIp = 3;
    public const int PerAddress = 2;

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>(base.ExtraSettings())
    {
        ["Vigie:PublicSite:ContactForm:PerIpLimit"] = PerIp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vigie:PublicSite:ContactForm:PerAddressLimit"] = PerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vigie:PublicSite:ContactForm:MaxLength:Description"] = "2000",
    };
}

public sealed class ContactSqliteApp : ContactApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class ContactPostgresApp : ContactApp
{
    public override Provider Provider => Provider.Postgres;
}

/// <summary>
/// The public contact form over HTTP, against the real host: a submission becomes a durable WebForm
/// report that intake reads and answers like a mail; the abuse bounds (per client, per address,
/// honeypot, field and body limits, line breaks, control characters, markup) hold.
/// Requests go through the test server with a client address of the test's choosing.
/// </summary>
public abstract partial class ContactFormTests(ContactApp app)
{
    private static int s_ip;

    /// <summary>A client address no other test uses (the per-client limiter is shared by the host).</summary>
    private static IPAddress NewIp() => IPAddress.Parse($"203.0.113.{Interlocked.Increment(ref s_ip)}");

    private static string Tag() => Guid.NewGuid().ToString("N")[..8];

    private FormBrowser Browser(IPAddress? ip = null, string culture = "fr") => new(app, ip ?? NewIp(), culture);

    private static Dictionary<string, string> Valid(string tag, string email) => new()
    {
        ["F.Name"] = "Alice Martin",
        ["F.Organisation"] = "Réseau Exemple",
        ["F.Email"] = email,
        ["F.Phone"] = "+33 1 23 45 67 89",
        ["F.Subject"] = $"Hameçonnage {tag}",
        ["F.Kind"] = "intrusion",
        ["F.StartedAt"] = "2026-03-09T08:30",
        ["F.Systems"] = "45.83.64.77\nhttps://login-" + tag + ".lilas.example/",
        ["F.Description"] = $"Une page d'hameçonnage {tag} imite votre portail.\nElle collecte des identifiants.",
        ["F.Evidence"] = "2026-03-09T08:31:02+01:00 GET /login 200",
        ["F.Actions"] = "Signalé à l'hébergeur.",
        ["F.Tlp"] = "TLP:AMBER+STRICT",
        ["F.Language"] = "fr",
        ["F.Website"] = "",
    };

    [Fact]
    public async Task A_submission_is_a_durable_web_form_report_read_routed_and_acknowledged_like_a_mail()
    {
        var tag = Tag();
        var email = $"alice.{tag}@reseau.example";
        var ip = NewIp();
        var sent = await Browser(ip).SubmitAsync(Valid(tag, email));

        // Post/redirect/get to the confirmation, whose reference is the report's id.
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        var reference = Guid.Parse(Regex.Match(sent.Location!, "sent=([0-9a-f-]{36})").Groups[1].Value);
        var confirmation = await Browser(ip).GetAsync(sent.Location!);
        Assert.Contains("Signalement reçu", confirmation.Text, StringComparison.Ordinal);
        Assert.Contains(reference.ToString(), confirmation.Text, StringComparison.Ordinal);
        Assert.Contains("accusé de réception automatique", confirmation.Text, StringComparison.Ordinal);
        Assert.Contains("lundi–vendredi 09:00–18:00", confirmation.Text, StringComparison.Ordinal);

        var report = await ProcessedAsync(reference);
        Assert.Equal(ReportSource.WebForm, report.Source);
        Assert.Equal(ContactSubmission.SubmittedByPrefix + email, report.SubmittedBy);
        Assert.Equal(IntakeApp.Incident, report.Recipient);
        Assert.Equal($"Hameçonnage {tag}", report.Subject);
        Assert.Contains(email, report.From, StringComparison.Ordinal);
        Assert.Equal(ReportKind.IncidentReport, report.Kind);
        // The fields, labelled in the reporter's language, and the TLP label where intake reads it.
        Assert.StartsWith("TLP:AMBER+STRICT\n", report.Text, StringComparison.Ordinal);
        Assert.Equal(Tlp.AmberStrict, IncidentDrafts.FindTlp(report.Text));
        foreach (var line in new[]
        {
            "Nom : Alice Martin", "Organisation : Réseau Exemple", $"Courriel : {email}", "Téléphone : +33 1 23 45 67 89",
            "Langue préférée : français", "Type d'incident : Tentatives d'intrusion ou intrusions confirmées (intrusion)",
            "Début de l'incident : 2026-03-09 08:30 (Europe/Paris, UTC+01:00) = 2026-03-09 07:30 UTC",
            "== Systèmes concernés ==\n45.83.64.77\n", "== Description ==\nUne page d'hameçonnage", "== Éléments de preuve, extraits de journaux ==\n2026-03-09T08:31:02",
            "== Mesures déjà prises ==\nSignalé à l'hébergeur.",
        })
        {
            Assert.Contains(line, report.Text, StringComparison.Ordinal);
        }
        Assert.Contains(report.Observables, o => o.Value == "45.83.64.77");

        // The raw message names the form and the client address.
        var raw = MimeMessage.Load(new MemoryStream(await app.Blob(report.Sha256)), Ct);
        Assert.Equal("http://localhost/contact", raw.Headers[ContactMessage.FormHeader]);
        Assert.Equal(ip.ToString(), raw.Headers[ContactMessage.ClientHeader]);
        Assert.Equal("fr", raw.Body!.Headers[HeaderId.ContentLanguage]);

        // Like a mail about Lilas' address space: a case is opened, the reporter gets its number, French first.
        Assert.Equal(app.Lilas, report.SuggestedConstituentId);
        Assert.NotNull(report.IncidentId);
        var answer = await AnswerToAsync(email);
        var number = await IncidentNumberAsync(report.IncidentId!.Value);
        Assert.Contains($"#{number}]", answer.Subject, StringComparison.Ordinal);
        Assert.Contains($"Hameçonnage {tag}", answer.Subject, StringComparison.Ordinal);
        var text = TextOf(answer);
        Assert.True(text.IndexOf("un jour ouvrable", StringComparison.Ordinal) < text.IndexOf("one business day", StringComparison.Ordinal), text);
        // The answer relays nothing of the form but the subject, as for a mail: never the description.
        Assert.DoesNotContain("identifiants", text, StringComparison.Ordinal);
        Assert.DoesNotContain("GET /login", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_about_nobody_of_ours_is_redirected_in_english_and_one_address_gets_one_answer_per_window()
    {
        var tag = Tag();
        var email = $"bob.{tag}@elsewhere.example";
        var form = Valid(tag, email);
        form["F.Systems"] = "198.51.100.9";
        form["F.Language"] = "en";
        form["F.Tlp"] = "";
        form["F.Kind"] = "other";
        form["F.Subject"] = $"Scan from your network {tag}";
        var first = await Browser(culture: "en").SubmitAsync(form);
        var report = await ProcessedAsync(Reference(first));
        Assert.StartsWith("Report sent through the contact form of cegedim.cloud CSIRT", report.Text, StringComparison.Ordinal);
        Assert.Contains("Kind of incident: Other / don't know", report.Text, StringComparison.Ordinal);
        Assert.Contains("Sharing (TLP 2.0): No label", report.Text, StringComparison.Ordinal);
        Assert.Null(IncidentDrafts.FindTlp(report.Text));
        Assert.Null(report.IncidentId);
        Assert.Equal(TriageStatus.Pending, report.Triage);
        Assert.StartsWith("Redirected", report.AnswerNote, StringComparison.Ordinal);
        var answer = await AnswerToAsync(email);
        var text = TextOf(answer);
        Assert.Contains("we could not match it to any of the constituents we serve", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Une page", text, StringComparison.Ordinal);

        // A second form with the same address: stored, but no second automatic answer within the window —
        // so the form cannot make us mail a third party more than a mail to the incident address could.
        form["F.Subject"] = $"Second {tag}";
        var second = await ProcessedAsync(Reference(await Browser(culture: "en").SubmitAsync(form)));
        Assert.Null(second.AnswerId);
        Assert.Contains("already got an automatic answer", second.AnswerNote, StringComparison.Ordinal);
        Assert.Single(app.Sink.Received, m => m.To.Contains(email, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_limit_per_client_address_holds_and_its_refusal_is_a_readable_page_keeping_the_text()
    {
        var ip = NewIp();
        var tag = Tag();
        var client = Browser(ip);
        for (var i = 0; i < ContactApp.PerIp; i++)
        {
            var ok = await client.SubmitAsync(Valid(tag, $"n{i}.{tag}@ip.example"));
            Assert.Equal(HttpStatusCode.Redirect, ok.Status);
        }
        var refused = await client.SubmitAsync(Valid(tag, $"last.{tag}@ip.example"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.True(int.Parse(refused.Headers.RetryAfter!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("Trop de signalements ont été envoyés depuis votre adresse réseau", refused.Text, StringComparison.Ordinal);
        Assert.Contains(IntakeApp.Incident, refused.Text, StringComparison.Ordinal);
        Assert.Contains($"value=\"last.{tag}@ip.example\"", refused.Text, StringComparison.Ordinal);
        Assert.Contains($">Une page d'hameçonnage {tag}", refused.Text, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync($"last.{tag}@ip.example"));

        // Another client is not affected; an IPv6 client is counted by its /64.
        Assert.Equal(HttpStatusCode.Redirect, (await Browser().SubmitAsync(Valid(tag, $"other.{tag}@ip.example"))).Status);
        var prefix = $"2001:db8:{Interlocked.Increment(ref s_ip):x}:1::";
        for (var i = 0; i < ContactApp.PerIp; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await Browser(IPAddress.Parse(prefix + (i + 1))).SubmitAsync(Valid(tag, $"v6{i}.{tag}@ip.example"))).Status);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Browser(IPAddress.Parse(prefix + "ff")).SubmitAsync(Valid(tag, $"v6x.{tag}@ip.example"))).Status);
    }

    [Fact]
    public async Task The_limit_per_e_mail_address_holds_across_clients_and_reopens_after_the_window()
    {
        var tag = Tag();
        var email = $"carol.{tag}@addr.example";
        for (var i = 0; i < ContactApp.PerAddress; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await Browser().SubmitAsync(Valid(tag + i, email))).Status);
        }
        // The address written otherwise (case) is the same address.
        var refused = await Browser(culture: "en").SubmitAsync(Valid(tag + "x", email.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains("Too many reports were sent recently with this e-mail address", refused.Text, StringComparison.Ordinal);
        Assert.Equal(ContactApp.PerAddress, await CountAsync(email));

        app.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.Redirect, (await Browser().SubmitAsync(Valid(tag + "y", email))).Status);
        Assert.Equal(ContactApp.PerAddress + 1, await CountAsync(email));
    }

    [Fact]
    public async Task A_filled_honeypot_gets_the_usual_confirmation_and_nothing_is_stored()
    {
        var tag = Tag();
        var email = $"robot.{tag}@spam.example";
        var form = Valid(tag, email);
        form["F.Website"] = "https://cheap-pills.example/";
        var sent = await Browser().SubmitAsync(form);
        Assert.Equal(HttpStatusCode.Redirect, sent.Status);
        Assert.Matches("^/contact\\?sent=[0-9a-f-]{36}$", sent.Location!);
        Assert.Equal(0, await CountAsync(email));
        await using var scope = app.Scope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.AnyAsync(r => r.Subject!.Contains(tag), Ct));
    }

    [Fact]
    public async Task Too_long_fields_are_refused_with_the_field_named_in_the_page_language_and_the_text_kept()
    {
        var tag = Tag();
        var email = $"dan.{tag}@long.example";
        var form = Valid(tag, email);
        form["F.Description"] = tag + new string('x', 2001 - tag.Length);
        form["F.Subject"] = new string('s', 201);

        var fr = await Browser().SubmitAsync(form);
        Assert.Equal(HttpStatusCode.BadRequest, fr.Status);
        Assert.Contains("Description : 2001 caractères, 2000 au plus.", fr.Text, StringComparison.Ordinal);
        Assert.Contains("Objet : 201 caractères, 200 au plus.", fr.Text, StringComparison.Ordinal);
        Assert.Contains(">" + form["F.Description"] + "</textarea>", fr.Text, StringComparison.Ordinal);
        Assert.Contains("value=\"Alice Martin\"", fr.Text, StringComparison.Ordinal);
        Assert.Contains("id=\"f-description\" maxlength=\"2000\" rows=\"8\" required aria-invalid=\"true\"", fr.Text, StringComparison.Ordinal);

        var en = await Browser(culture: "en").SubmitAsync(form);
        Assert.Equal(HttpStatusCode.BadRequest, en.Status);
        Assert.Contains("Description: 2001 characters, at most 2000.", en.Text, StringComparison.Ordinal);
        Assert.Contains("Subject: 201 characters, at most 200.", en.Text, StringComparison.Ordinal);

        // Required fields and a bad address are named too.
        var empty = await Browser(culture: "en").SubmitAsync(new Dictionary<string, string> { ["F.Email"] = "not an address" });
        Assert.Contains("E-mail: this is not a valid e-mail address.", empty.Text, StringComparison.Ordinal);
        Assert.Contains("Subject: required.", empty.Text, StringComparison.Ordinal);
        Assert.Contains("Description: required.", empty.Text, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(email));
    }

    [Fact]
    public async Task Line_breaks_in_single_line_fields_are_refused_and_cannot_add_headers()
    {
        var tag = Tag();
        var email = $"eve.{tag}@inject.example";
        var form = Valid(tag, email);
        form["F.Name"] = "Eve\r\nBcc: victim@third-party.example";
        form["F.Subject"] = $"Hello {tag}\nTo: victim@third-party.example";
        form["F.Organisation"] = "Org\u2028Cc: x@third-party.example";
        var refused = await Browser(culture: "en").SubmitAsync(form);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("Name: must fit on one line (no line break).", refused.Text, StringComparison.Ordinal);
        Assert.Contains("Subject: must fit on one line (no line break).", refused.Text, StringComparison.Ordinal);
        Assert.Contains("Organisation: must fit on one line (no line break).", refused.Text, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(email));

        // Header-like text on one line stays text: one From, one To, no Bcc, and the answer goes to the form's address only.
        form["F.Name"] = "Eve \"Bcc: victim@third-party.example\" <victim@third-party.example>";
        form["F.Subject"] = $"Hello {tag} Bcc: victim@third-party.example";
        form["F.Organisation"] = "Org";
        var report = await ProcessedAsync(Reference(await Browser().SubmitAsync(form)));
        var raw = Encoding.UTF8.GetString(await app.Blob(report.Sha256));
        var headers = raw[..raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.DoesNotMatch("(?m)^(Bcc|Cc):", headers);
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)), Ct);
        Assert.Equal(email, Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal(IntakeApp.Incident, Assert.Single(message.To.Mailboxes).Address);
        Assert.Empty(message.Cc);
        Assert.Empty(message.Bcc);
        var answer = await AnswerToAsync(email);
        Assert.Equal(email, Assert.Single(answer.To.Mailboxes).Address);
        Assert.DoesNotContain(app.Sink.Received, m => m.To.Contains("victim@third-party.example", StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Markup_and_control_characters_are_kept_as_inert_text_and_the_report_page_shows_them_escaped()
    {
        var tag = Tag();
        var email = $"mallory.{tag}@markup.example";
        var form = Valid(tag, email);
        form["F.Subject"] = $"<b>Bold</b> {tag}";
        form["F.Description"] = $"<script>alert('{tag}')</script><img src=x onerror=alert(1)>\nBell\u0007 and \u202Eoverride\u202C.";
        var report = await ProcessedAsync(Reference(await Browser().SubmitAsync(form)));
        Assert.Contains($"<script>alert('{tag}')</script><img src=x onerror=alert(1)>", report.Text, StringComparison.Ordinal);
        Assert.Contains("Bell and override.", report.Text, StringComparison.Ordinal);
        Assert.Null(report.Html);

        var page = await app.Client("analyst").GetStringAsync($"/reports/{report.Id}", Ct);
        Assert.Contains("&lt;script&gt;alert(", page, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", page, StringComparison.Ordinal);
        Assert.Contains($"&lt;b&gt;Bold&lt;/b&gt; {tag}", page, StringComparison.Ordinal);
        Assert.Contains($"<script>alert('{tag}')</script><img src=x onerror=alert(1)>", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.DoesNotContain($"<script>alert('{tag}')", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Bold</b>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_before_it_is_read()
    {
        var tag = Tag();
        var form = Valid(tag, $"huge.{tag}@big.example");
        form["F.Evidence"] = new string('e', (int)ContactFormOptions.MaxRequestBytes);
        var refused = await Browser().SubmitAsync(form);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.Status);
        Assert.Equal(0, await CountAsync($"huge.{tag}@big.example"));
    }

    // --- helpers --------------------------------------------------------------------------------------

    private static Guid Reference(FormBrowser.Response sent)
    {
        Assert.True(sent.Status == HttpStatusCode.Redirect, $"{(int)sent.Status}: {sent.Body}");
        return Guid.Parse(Regex.Match(sent.Location!, "sent=([0-9a-f-]{36})").Groups[1].Value);
    }

    private async Task<int> CountAsync(string email)
    {
        await using var scope = app.Scope();
        var key = ContactSubmission.SubmittedByPrefix + email.ToLowerInvariant();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.CountAsync(r => r.SubmittedBy == key, Ct);
    }

    private async Task<Report> ProcessedAsync(Guid id)
    {
        Report? found = null;
        await Eventually(async () =>
        {
            await using var scope = app.Scope();
            found = await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.AsNoTracking().Include(r => r.Observables)
                .FirstOrDefaultAsync(r => r.Id == id && r.Status == ReportStatus.Processed, Ct);
            return found?.AnswerNote is not null;
        }, "the form's report to be read");
        return found!;
    }

    private async Task<string> IncidentNumberAsync(Guid id)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Incidents.Where(i => i.Id == id).Select(i => i.Number).SingleAsync(Ct);
    }

    private async Task<MimeMessage> AnswerToAsync(string to)
    {
        MimeMessage? answer = null;
        await Eventually(() =>
        {
            answer = app.Sink.Received.Where(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase)).Select(m => Mime(m.Data)).FirstOrDefault();
            return Task.FromResult(answer is not null);
        }, $"an answer to {to}");
        return answer!;
    }

    private static string TextOf(MimeMessage answer) => answer.Body switch
    {
        MultipartSigned signed => ((TextPart)signed[0]).Text,
        TextPart text => text.Text,
        var other => other?.ToString() ?? "",
    };
}

public sealed class ContactFormSqliteTests(ContactSqliteApp app) : ContactFormTests(app), IClassFixture<ContactSqliteApp>;

public sealed class ContactFormPostgresTests(ContactPostgresApp app) : ContactFormTests(app), IClassFixture<ContactPostgresApp>;

internal static class ContactForms
{
    /// <summary>Opens /contact (for its antiforgery token and cookie), then posts <paramref name="fields"/>.</summary>
    public static Task<FormBrowser.Response> SubmitAsync(this FormBrowser browser, IReadOnlyDictionary<string, string> fields) =>
        browser.PostFormAsync("/contact", "contact", fields);
}
