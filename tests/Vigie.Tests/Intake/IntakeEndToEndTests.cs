using System.Diagnostics;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Cryptography;
using Vigie.Core.Incidents;
using Vigie.Core.Observables;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Constituents;
using Vigie.Features.Pgp;
using Vigie.Features.Reports;
using Vigie.Tests.Infrastructure;
using Vigie.Tests.Mail;
using Vigie.Tests.Pgp;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Intake;

/// <summary>
/// The whole intake, as in production: the SMTP listener on a loopback port, the reading worker, the
/// team key imported from its armored file, two constituents with scopes and contacts (one with an
/// OpenPGP key), and an SMTP sink as the relay that receives the automatic answers.
/// </summary>
public abstract class IntakeApp : VigieApp
{
    public const string Incident = "cert@csirt.test";
    public const string General = "contact@csirt.test";

    internal SmtpSink Sink { get; }

    protected IntakeApp() => Sink = new SmtpSink(() => Time.GetUtcNow());

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
        await using var scope = Scope();
        var constituents = scope.ServiceProvider.GetRequiredService<ConstituentService>();
        var lilas = await constituents.CreateAsync(new ConstituentRequest("Lilas", "client", new ContractDto("C-001", "gold", false), null,
            [
                new ContactRequest("SOC Lilas", "soc@lilas.example", "security", null, null),
                new ContactRequest("IT Lilas", "it@lilas.example", "technical", null, null),
                new ContactRequest("Bob Partner", "bob@partner.test", "security", null, await File.ReadAllTextAsync(TestKeys.File("bob.pub.asc"))),
            ],
            [new ScopeRequest("cidr", "45.83.64.0/24"), new ScopeRequest("domain", "lilas.example")]), CancellationToken.None);
        Lilas = lilas.Value!.Id;
        var mimosa = await constituents.CreateAsync(new ConstituentRequest("Mimosa", "partner", null, null, [],
            [new ScopeRequest("cidr", "31.42.105.0/24"), new ScopeRequest("cidr", "192.0.2.0/28")]), CancellationToken.None);
        Mimosa = mimosa.Value!.Id;
    }

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        ["Vigie:Smtp:Enabled"] = "true",
        ["Vigie:Smtp:Port"] = "0",
        ["Vigie:Team:IncidentEmail"] = Incident,
        ["Vigie:Team:GeneralEmail"] = General,
        ["Vigie:Pgp:PassphraseFile"] = TestKeys.File("team.passphrase"),
        ["Vigie:Mail:Relay:Host"] = "127.0.0.1",
        ["Vigie:Mail:Relay:Port"] = Sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vigie:Mail:Relay:Security"] = "None",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Sink.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class IntakeSqliteApp : IntakeApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class IntakePostgresApp : IntakeApp
{
    public override Provider Provider => Provider.Postgres;
}

/// <summary>
/// Issue 3's "done when": a report mailed with swaks, one encrypted and signed by gpg, one ARF and one
/// Shadowserver CSV each become a report with the right text, signature status, observables and
/// suggested constituent; a non-constituent gets one bilingual redirection and no more; a reply threads
/// to its incident; nothing in the mail fixtures crashes the pipeline.
/// </summary>
public abstract class IntakeEndToEndTests(IntakeApp app) : IDisposable
{
    private readonly GpgHome _gpg = new();

    public void Dispose()
    {
        _gpg.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task A_report_mailed_with_swaks_is_read_routed_to_its_constituent_and_acknowledged()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var body = $"Bonjour,\nnous avons trouvé une page d'hameçonnage sur hxxps://www[.]lilas[.]example/login-{tag} hébergée sur 45.83.64.7.\nMerci de votre aide.";
        var (code, output) = await SwaksAsync("--from", "soc@lilas.example", "--to", IntakeApp.Incident,
            "--header", $"Subject: Hameçonnage {tag}", "--header", $"Message-Id: <{tag}@lilas.example>", "--body", body);
        Assert.True(code == 0, output);

        var report = await ProcessedAsync(r => r.MessageId == $"{tag}@lilas.example");
        Assert.Equal(ReportKind.IncidentReport, report.Kind);
        Assert.Equal(IntakeApp.Incident, report.Recipient);
        Assert.Contains($"hxxps://www[.]lilas[.]example/login-{tag}", report.Text, StringComparison.Ordinal);
        Assert.Contains(report.Observables, o => o.Kind == ObservableKind.Url && o.Value == $"https://www.lilas.example/login-{tag}");
        Assert.Contains(report.Observables, o => o.Kind == ObservableKind.IPv4 && o.Value == "45.83.64.7" && !o.IsPrivateOrReserved);
        Assert.Equal(app.Lilas, report.SuggestedConstituentId);
        Assert.Equal("The sender soc@lilas.example is a contact of Lilas.", report.ConstituentReason);
        Assert.Equal(("fraud", "phishing"), (report.SuggestedClass, report.SuggestedType));
        Assert.Equal(SignatureStatus.NotSigned, report.Signature);
        Assert.False(report.Flagged, string.Join(" | ", report.Problems));

        // A case was opened for it, and the reporter got its number, in French first (the report was in French).
        Assert.NotNull(report.IncidentId);
        var number = await IncidentNumberAsync(report.IncidentId!.Value);
        var answer = await AnswerToAsync("soc@lilas.example", tag);
        Assert.Contains($"[cegedim.cloud CSIRT #{number}]", answer.Subject, StringComparison.Ordinal);
        Assert.Equal("auto-replied", answer.Headers[HeaderId.AutoSubmitted]);
        Assert.Equal($"<{tag}@lilas.example>", answer.Headers[HeaderId.InReplyTo]);
        var text = await TextOfAsync(answer);
        Assert.Contains(number, text, StringComparison.Ordinal);
        var french = text.IndexOf("un jour ouvrable", StringComparison.Ordinal);
        var english = text.IndexOf("one business day", StringComparison.Ordinal);
        Assert.True(french >= 0 && english > french, text);
        // Signed with the team key (the team has one), not encrypted (the report was not).
        Assert.IsType<MultipartSigned>(answer.Body);
    }

    [Fact]
    public async Task A_report_encrypted_and_signed_by_gpg_is_decrypted_verified_and_answered_encrypted()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var inner = TestKeys.Crlf($"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" +
            $"Compromised host 45.83.64.44 beacons to evil-{tag}.example (SHA-256 {Hash}).\n");
        var armored = await _gpg.TransformAsync(inner, Ct, "--armor", "--sign", "--encrypt", "-u", "bob@partner.test", "-r", "cert@csirt.test");
        var raw = TestKeys.Crlf($"From: Bob Partner <bob@partner.test>\nTo: {IntakeApp.Incident}\nSubject: Confidential {tag}\n" +
            $"Message-ID: <{tag}@partner.test>\nDate: Mon, 09 Mar 2026 10:00:00 +0100\nMIME-Version: 1.0\n" +
            "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"\n\n" +
            "--enc\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n" +
            "--enc\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\n\n" + armored + "\n--enc--\n");
        await SendAsync("bob@partner.test", IntakeApp.Incident, Encoding.UTF8.GetBytes(raw));

        var report = await ProcessedAsync(r => r.MessageId == $"{tag}@partner.test");
        Assert.Equal(DecryptionStatus.Decrypted, report.Decryption);
        Assert.Equal(SignatureStatus.Good, report.Signature);
        Assert.Equal("pgp-mime", report.SignatureKind);
        Assert.Equal(TestKeys.BobFingerprint, report.SignerFingerprint);
        Assert.Equal("bob@partner.test", report.SignerEmail);
        await using (var scope = app.Scope())
        {
            var bob = await scope.ServiceProvider.GetRequiredService<VigieDb>().Contacts.SingleAsync(c => c.Email == "bob@partner.test", Ct);
            Assert.Equal(bob.Id, report.SignerContactId);
        }
        Assert.Contains($"evil-{tag}.example", report.Text, StringComparison.Ordinal);
        Assert.Contains(report.Observables, o => o.Kind == ObservableKind.Sha256 && o.Value == Hash);
        Assert.Equal(app.Lilas, report.SuggestedConstituentId);
        Assert.StartsWith("The message is signed by bob@partner.test", report.ConstituentReason, StringComparison.Ordinal);

        // Encrypted in, encrypted out: Bob's gpg decrypts the acknowledgement and verifies the team's signature.
        var answer = await AnswerToAsync("bob@partner.test", tag);
        Assert.IsType<MultipartEncrypted>(answer.Body);
        // RFC 3156 §4: the second part holds the OpenPGP message.
        var path = _gpg.NewPath("asc");
        await using (var file = File.Create(path))
        {
            await ((MimePart)((MultipartEncrypted)answer.Body)[1]).Content!.DecodeToAsync(file, Ct);
        }
        var (code, status, error) = await _gpg.RunAsync(["--status-fd", "1", "--decrypt", path], Ct);
        Assert.True(code == 0, error);
        Assert.Contains("DECRYPTION_OKAY", status, StringComparison.Ordinal);
        Assert.Contains($"GOODSIG", status, StringComparison.Ordinal);
        Assert.Contains(TestKeys.TeamFingerprint, status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_arf_complaint_is_recognised_and_routed_by_its_source_ip()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var raw = TestKeys.Crlf($"From: Feedback Loop <fbl@mailbox.example>\nTo: {IntakeApp.Incident}\nSubject: Abuse report {tag}\n" +
            $"Message-ID: <{tag}@mailbox.example>\nDate: Mon, 09 Mar 2026 10:00:00 +0100\nMIME-Version: 1.0\n" +
            "Content-Type: multipart/report; report-type=feedback-report; boundary=\"arf\"\n\n" +
            "--arf\nContent-Type: text/plain; charset=utf-8\n\nThis is an email abuse report for an email message received from IP 45.83.64.23.\n\n" +
            "--arf\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: FBL/1.0\nVersion: 1\n" +
            "Source-IP: 45.83.64.23\nReported-Domain: lilas.example\nArrival-Date: Mon, 09 Mar 2026 08:00:00 +0000\n\n" +
            "--arf\nContent-Type: message/rfc822\n\nFrom: <promo@lilas.example>\nTo: <victim@mailbox.example>\nSubject: Cheap pills\n" +
            $"Message-ID: <spam-{tag}@lilas.example>\n\nBuy now at http://pills.lilas.example/\n\n--arf--\n");
        await SendAsync("fbl@mailbox.example", IntakeApp.Incident, Encoding.UTF8.GetBytes(raw));

        var report = await ProcessedAsync(r => r.MessageId == $"{tag}@mailbox.example");
        Assert.Equal(("arf", "abuse", 1), (report.Format, report.FormatSubtype, report.RecordCount));
        Assert.Contains(report.Observables, o => o.Value == "45.83.64.23" && o.Location.StartsWith("record", StringComparison.Ordinal));
        Assert.Equal(app.Lilas, report.SuggestedConstituentId);
        Assert.EndsWith("public indicator(s) in its scope).", report.ConstituentReason, StringComparison.Ordinal);
        Assert.Contains(" of Lilas (", report.ConstituentReason, StringComparison.Ordinal);
        Assert.Equal(("abusive-content", "spam"), (report.SuggestedClass, report.SuggestedType));
        Assert.Equal("Not answered: a machine-generated report (arf) expects no answer.", report.AnswerNote);
    }

    [Fact]
    public async Task A_shadowserver_report_gives_one_record_per_row_and_its_constituent()
    {
        var raw = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "mail", "abuseio", "shadowserver",
            "2019-10-15-scan_http-sample-asn.csv.zip.eml"), Ct);
        await SendAsync("autoreports@shadowserver.org", IntakeApp.Incident, raw);

        var report = await ProcessedAsync(r => r.Sha256 == Sha(raw) || r.Sha256 == Sha(Crlf(raw)));
        Assert.Equal(("shadowserver", "scan_http", 1), (report.Format, report.FormatSubtype, report.RecordCount));
        Assert.Contains(report.Observables, o => o.Kind == ObservableKind.IPv4 && o.Value == "31.42.105.195" && o.Location == "record 1");
        Assert.Equal(app.Mimosa, report.SuggestedConstituentId);
        Assert.Contains(report.Attachments, a => a.FileName == "2019-10-15-scan_http-sample-asn.csv.zip" && a.Sha256 is not null);
        Assert.NotNull(report.SuggestedClass);
    }

    [Fact]
    public async Task A_non_constituent_gets_one_bilingual_redirection_and_no_more()
    {
        var sender = $"user-{Guid.NewGuid():N}@elsewhere.example";
        for (var i = 0; i < 2; i++)
        {
            await SendAsync(sender, IntakeApp.Incident, Encoding.UTF8.GetBytes(TestKeys.Crlf(
                $"From: <{sender}>\nTo: {IntakeApp.Incident}\nSubject: My PC is slow {i}\nMessage-ID: <slow-{i}-{sender}>\n" +
                "Date: Mon, 09 Mar 2026 10:00:00 +0100\n\nHello, I think my computer at 203.0.113.9 has a virus. Please help me.\n")));
        }
        var first = await ProcessedAsync(r => r.MessageId == $"slow-0-{sender}");
        var second = await ProcessedAsync(r => r.MessageId == $"slow-1-{sender}");
        Assert.Null(first.SuggestedConstituentId);
        Assert.Null(first.IncidentId);
        Assert.StartsWith($"Redirected {sender}", first.AnswerNote, StringComparison.Ordinal);
        Assert.Null(second.AnswerId);
        Assert.Contains("24", second.AnswerNote, StringComparison.Ordinal);

        var answer = await AnswerToAsync(sender, null);
        var text = await TextOfAsync(answer);
        Assert.Contains("administrateur", text, StringComparison.Ordinal);
        Assert.Contains("administrator", text, StringComparison.Ordinal);
        await Task.Delay(500, Ct);
        Assert.Single(app.Sink.Received, m => m.To.Contains(sender, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_request_to_the_general_address_is_a_request_not_an_incident()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await SendAsync("journalist@news.example", IntakeApp.General, Encoding.UTF8.GetBytes(TestKeys.Crlf(
            $"From: <journalist@news.example>\nTo: {IntakeApp.General}\nSubject: Interview {tag}\nMessage-ID: <{tag}@news.example>\n\n" +
            "Could we talk about your team's work?\n")));
        var report = await ProcessedAsync(r => r.MessageId == $"{tag}@news.example");
        Assert.Equal(ReportKind.Request, report.Kind);
        Assert.Null(report.IncidentId);
        Assert.Null(report.SuggestedClass);
        var answer = await AnswerToAsync("journalist@news.example", tag);
        Assert.Equal(IntakeApp.General, answer.From.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task Replies_thread_to_their_incident_by_in_reply_to_and_by_subject_tag()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await SendAsync("it@lilas.example", IntakeApp.Incident, Encoding.UTF8.GetBytes(TestKeys.Crlf(
            $"From: <it@lilas.example>\nTo: {IntakeApp.Incident}\nSubject: Ransomware {tag}\nMessage-ID: <{tag}@lilas.example>\n\n" +
            "Ransomware on the file server 45.83.64.80.\n")));
        var original = await ProcessedAsync(r => r.MessageId == $"{tag}@lilas.example");
        var incidentId = original.IncidentId ?? throw new InvalidOperationException("No incident was opened.");
        var number = await IncidentNumberAsync(incidentId);
        var ack = await AnswerToAsync("it@lilas.example", tag);

        // A reply to our acknowledgement (In-Reply-To), with a subject that lost the tag.
        await SendAsync("it@lilas.example", IntakeApp.Incident, Encoding.UTF8.GetBytes(TestKeys.Crlf(
            $"From: <it@lilas.example>\nTo: {IntakeApp.Incident}\nSubject: more logs\nMessage-ID: <r1-{tag}@lilas.example>\n" +
            $"In-Reply-To: <{ack.MessageId}>\nReferences: <{tag}@lilas.example> <{ack.MessageId}>\n\nHere are the logs.\n")));
        // A new mail from someone else that only carries the tag.
        await SendAsync("bob@partner.test", IntakeApp.Incident, Encoding.UTF8.GetBytes(TestKeys.Crlf(
            $"From: <bob@partner.test>\nTo: {IntakeApp.Incident}\nSubject: TR: [cegedim.cloud CSIRT #{number}] update\n" +
            $"Message-ID: <r2-{tag}@partner.test>\n\nWe see the same thing.\n")));

        foreach (var id in new[] { $"r1-{tag}@lilas.example", $"r2-{tag}@partner.test" })
        {
            var reply = await ProcessedAsync(r => r.MessageId == id);
            Assert.Equal(ReportKind.Reply, reply.Kind);
            Assert.Equal(incidentId, reply.IncidentId);
            Assert.Null(reply.AnswerId);
        }
        await using var scope = app.Scope();
        var linked = await scope.ServiceProvider.GetRequiredService<VigieDb>().TimelineEvents.AsNoTracking()
            .Where(e => e.IncidentId == incidentId && e.Kind == TimelineKind.ReportLinked).CountAsync(Ct);
        Assert.Equal(3, linked);
    }

    [Fact]
    public async Task A_bounce_of_our_answer_is_linked_to_it_and_to_its_incident()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var sender = $"gone-{tag}@lilas.example";
        await using (var scope = app.Scope())
        {
            var constituents = scope.ServiceProvider.GetRequiredService<ConstituentService>();
            var lilas = await constituents.Load(app.Lilas, Ct);
            Assert.True(constituents.AddContact(lilas!, new ContactRequest("Gone", sender, "technical", null, null)).IsSuccess);
            await scope.ServiceProvider.GetRequiredService<VigieDb>().SaveChangesAsync(Ct);
        }
        await SendAsync(sender, IntakeApp.Incident, Encoding.UTF8.GetBytes(TestKeys.Crlf(
            $"From: <{sender}>\nTo: {IntakeApp.Incident}\nSubject: Defacement {tag}\nMessage-ID: <{tag}@lilas.example>\n\n" +
            "Our site www.lilas.example was defaced.\n")));
        var original = await ProcessedAsync(r => r.MessageId == $"{tag}@lilas.example");
        var ack = await AnswerToAsync(sender, tag);

        // RFC 3464: the receiving server says the mailbox does not exist and returns our headers.
        await SendAsync("MAILER-DAEMON@mx.lilas.example", IntakeApp.Incident, Encoding.UTF8.GetBytes(TestKeys.Crlf(
            $"From: Mail Delivery System <MAILER-DAEMON@mx.lilas.example>\nTo: {IntakeApp.Incident}\nSubject: Undelivered Mail Returned to Sender\n" +
            $"Message-ID: <dsn-{tag}@mx.lilas.example>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n" +
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"dsn\"\n\n" +
            "--dsn\nContent-Type: text/plain\n\nThe mailbox does not exist.\n\n" +
            "--dsn\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.lilas.example\n\n" +
            $"Final-Recipient: rfc822; {sender}\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 No such user\n\n" +
            $"--dsn\nContent-Type: text/rfc822-headers\n\nFrom: {IntakeApp.Incident}\nTo: {sender}\nMessage-ID: <{ack.MessageId}>\nSubject: {ack.Subject}\n\n--dsn--\n")));

        var bounce = await ProcessedAsync(r => r.MessageId == $"dsn-{tag}@mx.lilas.example");
        Assert.Equal(ReportKind.Bounce, bounce.Kind);
        Assert.Equal(("dsn", "failed"), (bounce.Format, bounce.FormatSubtype));
        Assert.Equal(original.IncidentId, bounce.IncidentId);
        await using var check = app.Scope();
        var outbound = await check.ServiceProvider.GetRequiredService<VigieDb>().OutboundMessages.AsNoTracking()
            .SingleAsync(o => o.MessageId == ack.MessageId, Ct);
        Assert.Equal(outbound.Id, bounce.RelatedOutboundId);
        Assert.Null(bounce.AnswerId);
        Assert.DoesNotContain(bounce.Problems, p => p.Contains("backscatter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nothing_in_the_mail_fixtures_crashes_the_pipeline()
    {
        var files = Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "mail"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".eml", StringComparison.Ordinal) || f.EndsWith(".txt", StringComparison.Ordinal) || f.Contains("mbox", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 50, $"only {files.Count} fixture files");
        var ids = new List<Guid>();
        await using (var scope = app.Scope())
        {
            var intake = scope.ServiceProvider.GetRequiredService<ReportIntake>();
            foreach (var file in files)
            {
                await using var stream = File.OpenRead(file);
                ids.Add((await intake.AcceptAsync(stream, ReportSource.Import, "test", IntakeApp.Incident, Ct)).Report.Id);
            }
        }
        await Eventually(async () =>
        {
            await using var scope = app.Scope();
            return await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports
                .CountAsync(r => ids.Contains(r.Id) && (r.Status == ReportStatus.Processed || r.Status == ReportStatus.Failed), Ct) == ids.Distinct().Count();
        }, "every fixture read", seconds: 120);
        await using var check = app.Scope();
        var db = check.ServiceProvider.GetRequiredService<VigieDb>();
        var failed = await db.Reports.AsNoTracking().Where(r => ids.Contains(r.Id) && r.Status == ReportStatus.Failed)
            .Select(r => r.FailureReason).ToListAsync(Ct);
        Assert.Empty(failed);
        // Bounces are recognised, and a delivery report about mail we never sent is pointed out.
        Assert.True(await db.Reports.CountAsync(r => ids.Contains(r.Id) && r.Kind == ReportKind.Bounce, Ct) >= 5);
        Assert.Contains(await db.Reports.AsNoTracking().Where(r => ids.Contains(r.Id) && r.Kind == ReportKind.Bounce).Select(r => r.Problems).FirstAsync(Ct),
            p => p.Contains("backscatter", StringComparison.Ordinal));
    }

    // --- helpers ------------------------------------------------------------------------------------------

    // An arbitrary digest (a run of one repeated digit is not taken for a hash).
    private const string Hash = "2c1c5bc3f4c2c6bdbc6a0a5f5b7a06f0fc3c0c7a3f9ad5c2d0f53c7b6e0b1a9d";

    private static byte[] Crlf(byte[] raw) => Encoding.Latin1.GetBytes(TestKeys.Crlf(Encoding.Latin1.GetString(raw)));

    private async Task<(int Code, string Output)> SwaksAsync(params string[] args)
    {
        if (!File.Exists("/usr/bin/swaks"))
        {
            Assert.SkipWhen(!Required, "swaks is not installed (scripts/test.sh installs it).");
        }
        var start = new ProcessStartInfo("swaks") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--server", app.SmtpEndPoint().ToString() }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await output + await error);
    }

    private async Task SendAsync(string from, string to, byte[] raw)
    {
        using var client = new SmtpClient();
        var endpoint = app.SmtpEndPoint();
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None, Ct);
        var message = MimeMessage.Load(new MemoryStream(raw), Ct);
        await client.SendAsync(message, MailboxAddress.Parse(from), [MailboxAddress.Parse(to)], Ct);
        await client.DisconnectAsync(true, Ct);
    }

    private async Task<Report> ProcessedAsync(System.Linq.Expressions.Expression<Func<Report, bool>> which)
    {
        Report? found = null;
        await Eventually(async () =>
        {
            await using var scope = app.Scope();
            found = await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.AsNoTracking()
                .Include(r => r.Observables).Include(r => r.Attachments).AsSplitQuery()
                .Where(which).FirstOrDefaultAsync(r => r.Status == ReportStatus.Processed || r.Status == ReportStatus.Failed, Ct);
            // Read, and answered if it is to be (the answer is queued in a second step).
            return found is not null && (found.AnswerNote is not null || found.Kind is ReportKind.Reply or ReportKind.Bounce);
        }, "the report to be read");
        Assert.Equal(ReportStatus.Processed, found!.Status);
        return found;
    }

    private async Task<string> IncidentNumberAsync(Guid id)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().Incidents.Where(i => i.Id == id).Select(i => i.Number).SingleAsync(Ct);
    }

    /// <summary>The answer the relay received for <paramref name="to"/> (about <paramref name="tag"/> when given).</summary>
    private async Task<MimeMessage> AnswerToAsync(string to, string? tag)
    {
        MimeMessage? answer = null;
        await Eventually(() =>
        {
            answer = app.Sink.Received.Where(m => m.To.Contains(to, StringComparer.OrdinalIgnoreCase))
                .Select(m => Mime(m.Data))
                .FirstOrDefault(m => tag is null || (m.Subject ?? "").Contains(tag, StringComparison.Ordinal) || (m.InReplyTo ?? "").Contains(tag, StringComparison.Ordinal));
            return Task.FromResult(answer is not null);
        }, $"an answer to {to}");
        return answer!;
    }

    /// <summary>The text of a signed or plain answer.</summary>
    private static Task<string> TextOfAsync(MimeMessage answer) => Task.FromResult(answer.Body switch
    {
        MultipartSigned signed => ((TextPart)signed[0]).Text,
        TextPart text => text.Text,
        var other => other?.ToString() ?? "",
    });
}

public sealed class IntakeEndToEndSqliteTests(IntakeSqliteApp app) : IntakeEndToEndTests(app), IClassFixture<IntakeSqliteApp>;

public sealed class IntakeEndToEndPostgresTests(IntakePostgresApp app) : IntakeEndToEndTests(app), IClassFixture<IntakePostgresApp>;
