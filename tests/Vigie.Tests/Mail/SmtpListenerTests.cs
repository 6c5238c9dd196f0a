using System.Diagnostics;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Tests.Infrastructure;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Mail;

/// <summary>A host whose SMTP listener runs on a free port, with one extra team address.</summary>
public abstract class SmtpApp : VigieApp
{
    public const string Incident = "incident-csirt-cc@cegedim.com";
    public const string General = "contact-csirt-cc@cegedim.com";
    public const string Extra = "abuse@csirt.test";

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        ["Vigie:Smtp:Enabled"] = "true",
        ["Vigie:Smtp:Port"] = "0",
        ["Vigie:Smtp:ExtraAddresses:0"] = "Abuse@CSIRT.test",
    };
}

public sealed class SmtpSqliteApp : SmtpApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class SmtpPostgresApp : SmtpApp
{
    public override Provider Provider => Provider.Postgres;
}

/// <summary>
/// The built-in listener against real clients (MailKit, swaks, a bare socket): what gets a 250 is a
/// committed report with the exact bytes; what is not the team's gets 550; limits answer 452.
/// </summary>
public abstract class SmtpListenerTests(VigieApp app)
{
    private async Task<SmtpClient> Connect()
    {
        var client = new SmtpClient();
        var endpoint = app.SmtpEndPoint();
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, SecureSocketOptions.None, Ct);
        return client;
    }

    [Fact]
    public async Task A_message_sent_with_MailKit_is_a_committed_report_with_the_exact_bytes_when_250_comes()
    {
        var tag = Guid.NewGuid().ToString("N");
        var bytes = Sample(tag);
        var message = Mime(bytes);
        using var client = await Connect();
        var reply = await client.SendAsync(message, MailboxAddress.Parse("abuse@isp.example"), [MailboxAddress.Parse(SmtpApp.Incident)], Ct);
        await client.DisconnectAsync(true, Ct);

        // No waiting: the row and the blob exist when the 250 is read.
        var report = await app.ReportBySha(Sha(bytes));
        Assert.NotNull(report);
        Assert.Contains($"Stored as report {report.Id}", reply);
        Assert.Equal(ReportSource.Smtp, report.Source);
        Assert.Equal("smtp:abuse@isp.example", report.SubmittedBy);
        Assert.Equal(SmtpApp.Incident, report.Recipient);
        Assert.Equal($"{tag}@isp.example", report.MessageId);
        Assert.Equal($"Botnet infection {tag}", report.Subject);
        Assert.Equal(bytes.Length, report.Size);
        Assert.Equal(bytes, await app.Blob(report.Sha256));
    }

    [Fact]
    public async Task The_incident_address_wins_over_the_general_one_and_addresses_are_normalised()
    {
        using var client = await Connect();
        var both = Sample(Guid.NewGuid().ToString("N"));
        await client.SendAsync(Mime(both), MailboxAddress.Parse("a@partner.example"),
            [MailboxAddress.Parse(SmtpApp.General), MailboxAddress.Parse("INCIDENT-csirt-cc@CEGEDIM.com")], Ct);
        var general = Sample(Guid.NewGuid().ToString("N"), SmtpApp.General);
        await client.SendAsync(Mime(general), MailboxAddress.Parse("a@partner.example"),
            [MailboxAddress.Parse("Contact-CSIRT-CC@cegedim.com")], Ct);
        var extra = Sample(Guid.NewGuid().ToString("N"), SmtpApp.Extra);
        await client.SendAsync(Mime(extra), MailboxAddress.Parse("a@partner.example"),
            [MailboxAddress.Parse("ABUSE@csirt.test")], Ct);
        await client.DisconnectAsync(true, Ct);

        Assert.Equal(SmtpApp.Incident, (await app.ReportBySha(Sha(both)))!.Recipient);
        Assert.Equal(SmtpApp.General, (await app.ReportBySha(Sha(general)))!.Recipient);
        Assert.Equal(SmtpApp.Extra, (await app.ReportBySha(Sha(extra)))!.Recipient);
    }

    [Fact]
    public async Task A_foreign_recipient_gets_550_and_nothing_is_stored()
    {
        var bytes = Sample(Guid.NewGuid().ToString("N"), "someone@elsewhere.example");
        using (var client = await Connect())
        {
            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Mime(bytes),
                MailboxAddress.Parse("a@partner.example"), [MailboxAddress.Parse("someone@elsewhere.example")], Ct));
            Assert.Equal(550, (int)refused.StatusCode);
            Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
        }
        Assert.Null(await app.ReportBySha(Sha(bytes)));

        // A team address in the same transaction is still accepted; the foreign one is not recorded.
        await using var wire = await SmtpWire.ConnectAsync(app.SmtpEndPoint());
        Assert.StartsWith("250", await wire.CommandAsync("EHLO client.example"));
        Assert.StartsWith("250", await wire.CommandAsync("MAIL FROM:<a@partner.example>"));
        Assert.StartsWith("550", await wire.CommandAsync("RCPT TO:<postmaster@cegedim.com>"));
        Assert.StartsWith("5", await wire.CommandAsync("RCPT TO:<not an address>"));
        Assert.StartsWith("250", await wire.CommandAsync($"RCPT TO:<{SmtpApp.General}>"));
        Assert.StartsWith("250", await wire.DataAsync(bytes));
        Assert.Equal(SmtpApp.General, (await app.ReportBySha(Sha(bytes)))!.Recipient);
    }

    [Fact]
    public async Task The_same_message_delivered_twice_is_one_report()
    {
        var bytes = Sample(Guid.NewGuid().ToString("N"));
        using var client = await Connect();
        var first = await client.SendAsync(Mime(bytes), MailboxAddress.Parse("a@partner.example"), [MailboxAddress.Parse(SmtpApp.Incident)], Ct);
        var second = await client.SendAsync(Mime(bytes), MailboxAddress.Parse("a@partner.example"), [MailboxAddress.Parse(SmtpApp.Incident)], Ct);
        await client.DisconnectAsync(true, Ct);

        Assert.Equal(first, second);
        await using var scope = app.Scope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<VigieDb>().Reports.CountAsync(r => r.Sha256 == Sha(bytes), Ct));
    }

    [Fact]
    public async Task Ten_thousand_recipients_get_452_past_the_limit_the_session_goes_on_and_the_listener_stays_up()
    {
        var bytes = Sample(Guid.NewGuid().ToString("N"));
        await using (var wire = await SmtpWire.ConnectAsync(app.SmtpEndPoint()))
        {
            Assert.StartsWith("250", await wire.CommandAsync("EHLO bulk.example"));
            Assert.StartsWith("250", await wire.CommandAsync("MAIL FROM:<bulk@bulk.example>"));
            var replies = await wire.PipelineAsync([.. Enumerable.Range(0, 10_000).Select(_ => $"RCPT TO:<{SmtpApp.Incident}>")]);
            Assert.Equal(10_000, replies.Count);
            Assert.All(replies.Take(100), r => Assert.StartsWith("250", r));
            Assert.All(replies.Skip(100), r => Assert.StartsWith("452", r));
            Assert.Contains("Too many recipients", replies[100]);

            // The transaction goes on with the recipients accepted (RFC 5321 §4.5.3.1.10).
            Assert.StartsWith("250", await wire.DataAsync(bytes));
            // And a new one starts with a fresh count.
            Assert.StartsWith("250", await wire.CommandAsync("MAIL FROM:<bulk@bulk.example>"));
            Assert.StartsWith("250", await wire.CommandAsync($"RCPT TO:<{SmtpApp.Incident}>"));
            Assert.StartsWith("250", await wire.CommandAsync("RSET"));
        }
        Assert.Equal(SmtpApp.Incident, (await app.ReportBySha(Sha(bytes)))!.Recipient);

        await using var next = await SmtpWire.ConnectAsync(app.SmtpEndPoint());
        Assert.StartsWith("250", await next.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Hostile_bytes_are_stored_as_sent_and_a_null_sender_is_accepted()
    {
        // NUL bytes in the body, a bare LF, 8-bit garbage in a header, lines starting with a dot (stuffed on the wire).
        var tag = Guid.NewGuid().ToString("N");
        var bytes = System.Text.Encoding.Latin1.GetBytes(
            $"From: \u00ff\u00fe <x@y>\r\nSubject: hostile {tag}\r\nX-Bare: a\nb\r\n\r\n.leading dot\r\n..two dots\r\nnul \0 here\0\r\n");
        await AssertStoredAsSent(bytes, "MAIL FROM:<>", "smtp:<>");
    }

    [Fact]
    public async Task A_NUL_in_a_header_is_stored_as_sent()
    {
        // PostgreSQL text refuses NUL (22021): the row's copy of the Subject drops it (the raw bytes keep
        // it), otherwise intake failed and the listener answered 451 for ever.
        var bytes = System.Text.Encoding.Latin1.GetBytes($"Subject: nul {Guid.NewGuid():N} \0 here\r\n\r\nbody\r\n");
        await AssertStoredAsSent(bytes, "MAIL FROM:<nul@partner.example>", "smtp:nul@partner.example");
        var report = await app.ReportBySha(Sha(bytes));
        Assert.DoesNotContain('\0', report!.Subject!);
        Assert.EndsWith(" here", report.Subject, StringComparison.Ordinal);
    }

    private async Task AssertStoredAsSent(byte[] bytes, string mailFrom, string submittedBy)
    {
        await using var wire = await SmtpWire.ConnectAsync(app.SmtpEndPoint());
        Assert.StartsWith("250", await wire.CommandAsync("EHLO hostile.example"));
        Assert.StartsWith("250", await wire.CommandAsync(mailFrom));
        Assert.StartsWith("250", await wire.CommandAsync($"RCPT TO:<{SmtpApp.Incident}>"));
        Assert.StartsWith("250", await wire.DataAsync(bytes));

        var report = await app.ReportBySha(Sha(bytes));
        Assert.NotNull(report);
        Assert.Equal(submittedBy, report.SubmittedBy);
        Assert.Equal(bytes, await app.Blob(report.Sha256));
        Assert.StartsWith("250", await wire.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Swaks_delivers_a_raw_file()
    {
        var swaks = new[] { "/usr/bin/swaks", "/usr/local/bin/swaks" }.FirstOrDefault(File.Exists);
        if (swaks is null)
        {
            Assert.SkipUnless(Required, "swaks is not installed: run scripts/test.sh, or apt-get install swaks.");
            Assert.Fail("CI requires swaks (scripts/test.sh installs it).");
        }
        var bytes = Sample(Guid.NewGuid().ToString("N"));
        var file = Path.Combine(app.DataDirectory, $"swaks-{Guid.NewGuid():N}.eml");
        // swaks ends DATA with "\r\n.\r\n" after the file's content, so the file's own last CRLF would
        // become an extra empty line of the message: the file holds the message without it.
        await File.WriteAllBytesAsync(file, bytes[..^2], Ct);
        var endpoint = app.SmtpEndPoint();
        var start = new ProcessStartInfo(swaks) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--server", $"{endpoint.Address}:{endpoint.Port}", "--from", "reporter@partner.example",
                     "--to", SmtpApp.Incident, "--data", "@" + file, "--timeout", "30" })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, output + await process.StandardError.ReadToEndAsync(Ct));
        Assert.Contains("<-  250 2.0.0 Stored as report", output);

        var report = await app.ReportBySha(Sha(bytes));
        Assert.NotNull(report);
        Assert.Equal("smtp:reporter@partner.example", report.SubmittedBy);
        Assert.Equal(bytes, await app.Blob(report.Sha256));
    }
}

public sealed class SmtpListenerSqliteTests(SmtpSqliteApp app) : SmtpListenerTests(app), IClassFixture<SmtpSqliteApp>;

public sealed class SmtpListenerPostgresTests(SmtpPostgresApp app) : SmtpListenerTests(app), IClassFixture<SmtpPostgresApp>;
