using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Vigie.Data;
using Vigie.Features.Mail;
using Vigie.Tests.Infrastructure;
using static Vigie.Tests.Mail.MailTestKit;

namespace Vigie.Tests.Mail;

/// <summary>A host whose relay is an SMTP sink run by the test (3 attempts, first retry after 1 minute).</summary>
public abstract class RelayApp : VigieApp
{
    internal SmtpSink Sink { get; }

    protected RelayApp() => Sink = new SmtpSink(() => Time.GetUtcNow());

    public override async ValueTask InitializeAsync()
    {
        await Sink.StartAsync();
        await base.InitializeAsync();
    }

    protected override IReadOnlyDictionary<string, string> ExtraSettings() => new Dictionary<string, string>
    {
        ["Vigie:Mail:Relay:Host"] = "127.0.0.1",
        ["Vigie:Mail:Relay:Port"] = Sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Vigie:Mail:Relay:Security"] = "None",
        ["Vigie:Mail:Relay:MaxAttempts"] = "3",
        ["Vigie:Mail:Relay:FirstRetry"] = "00:01:00",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Sink.DisposeAsync();
    }
}

public sealed class RelaySqliteApp : RelayApp
{
    public override Provider Provider => Provider.Sqlite;
}

public sealed class RelayPostgresApp : RelayApp
{
    public override Provider Provider => Provider.Postgres;
}

/// <summary>
/// The outbound queue and its mailer against a real SMTP relay: byte-identical delivery, backoff on
/// temporary failures, Failed on permanent ones or after MaxAttempts, and no header injection.
/// </summary>
public abstract class OutboundMailTests(RelayApp app)
{
    private static MimeMessage Answer(string to, string subject = "Accusé de réception / Acknowledgement")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("CSIRT cegedim.cloud", SmtpApp.Incident));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Nous avons bien reçu votre signalement.\nWe have received your report.\n" };
        return message;
    }

    private async Task<OutboundMessage> Enqueue(MimeMessage message, OutboundKind kind = OutboundKind.AutoReply, string? senderKey = null)
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var row = await scope.ServiceProvider.GetRequiredService<MailOutbox>().EnqueueAsync(message, kind, null, null, senderKey, Ct);
        await db.SaveChangesAsync(Ct);
        return row;
    }

    private async Task<OutboundMessage> Row(Guid id)
    {
        await using var scope = app.Scope();
        return await scope.ServiceProvider.GetRequiredService<VigieDb>().OutboundMessages.AsNoTracking().SingleAsync(m => m.Id == id, Ct);
    }

    [Fact]
    public async Task An_auto_reply_reaches_the_relay_byte_for_byte_with_Auto_Submitted_and_no_Bcc_header()
    {
        var tag = Guid.NewGuid().ToString("N");
        var message = Answer($"reporter-{tag}@partner.example");
        message.Cc.Add(MailboxAddress.Parse($"Copy-{tag}@Partner.example"));
        message.Bcc.Add(MailboxAddress.Parse($"hidden-{tag}@partner.example"));
        message.InReplyTo = $"{tag}@isp.example";
        message.Headers.Remove(HeaderId.MessageId);

        var row = await Enqueue(message, senderKey: $"Reporter-{tag}@partner.example");
        Assert.Equal(OutboundStatus.Queued, row.Status);
        Assert.EndsWith("@cegedim.com", row.MessageId);
        Assert.Equal($"reporter-{tag}@partner.example", row.SenderKey);

        await Eventually(async () => app.Sink.Received.Any(m => m.To.Contains($"reporter-{tag}@partner.example")), "delivery to the sink");
        var received = app.Sink.Received.Single(m => m.To.Contains($"reporter-{tag}@partner.example"));
        var stored = await app.Blob(row.Sha256);
        Assert.Equal(stored, received.Data);
        Assert.Equal(SmtpApp.Incident, received.From);
        Assert.Equal([$"reporter-{tag}@partner.example", $"copy-{tag}@partner.example", $"hidden-{tag}@partner.example"], received.To);

        var text = Encoding.ASCII.GetString(received.Data);
        Assert.Contains("\r\nAuto-Submitted: auto-replied\r\n", text);
        Assert.Contains($"\r\nMessage-Id: <{row.MessageId}>\r\n", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"\r\nIn-Reply-To: <{tag}@isp.example>\r\n", text);
        Assert.DoesNotContain("Bcc:", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\n", text.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal); // CRLF only
        Assert.True(received.Data.All(b => b < 128), "7-bit clean");
        Assert.Equal("Nous avons bien reçu votre signalement.\nWe have received your report.\n",
            ((TextPart)Mime(received.Data).Body!).Text.ReplaceLineEndings("\n"));

        var sent = await Row(row.Id);
        await Eventually(async () => (sent = await Row(row.Id)).Status == OutboundStatus.Sent, "the row marked Sent");
        Assert.Equal(1, sent.Attempts);
        Assert.NotNull(sent.SentAt);
        Assert.Null(sent.LastError);
    }

    [Fact]
    public async Task A_451_schedules_a_retry_with_doubling_backoff_then_the_message_is_delivered()
    {
        var to = $"tempfail-{Guid.NewGuid():N}@partner.example";
        app.Sink.TemporaryFailures[to] = 2;
        var row = await Enqueue(Answer(to));

        var first = row;
        await Eventually(async () => (first = await Row(row.Id)).Attempts == 1 && first.NextAttemptAt > row.CreatedAt, "the first attempt");
        Assert.Equal(OutboundStatus.Queued, first.Status);
        Assert.Contains("451", first.LastError);
        Assert.Equal(row.CreatedAt + TimeSpan.FromMinutes(1), first.NextAttemptAt); // the clock has not moved yet

        var second = first;
        await Eventually(async () => (second = await Row(row.Id)).Attempts == 2 && second.NextAttemptAt > first.NextAttemptAt,
            "the second attempt", TimeSpan.FromSeconds(10), app);
        var attempts = app.Sink.Attempts[to].ToArray();
        Assert.True(attempts[1] - attempts[0] >= TimeSpan.FromMinutes(1), "no retry before the first backoff");
        var backoff = second.NextAttemptAt - attempts[1];
        Assert.InRange(backoff, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(10)); // doubled

        var sent = second;
        await Eventually(async () => (sent = await Row(row.Id)).Status == OutboundStatus.Sent, "delivery", TimeSpan.FromSeconds(10), app);
        Assert.Equal(3, sent.Attempts);
        Assert.True(app.Sink.Attempts[to].ToArray()[2] - attempts[1] >= TimeSpan.FromMinutes(2));
        Assert.Single(app.Sink.Received, m => m.To.Contains(to));
    }

    [Fact]
    public async Task A_recipient_refused_with_550_fails_at_once()
    {
        var to = $"nobody-{Guid.NewGuid():N}@partner.example";
        app.Sink.RefusedRecipients[to] = true;
        var row = await Enqueue(Answer(to));

        var failed = row;
        await Eventually(async () => (failed = await Row(row.Id)).Status == OutboundStatus.Failed, "the row marked Failed");
        Assert.Equal(1, failed.Attempts);
        Assert.StartsWith("550", failed.LastError);
        Assert.DoesNotContain(app.Sink.Received, m => m.To.Contains(to));
    }

    [Fact]
    public async Task A_relay_refusing_the_sender_is_retried_and_the_message_fails_after_MaxAttempts()
    {
        var from = $"blocked-{Guid.NewGuid():N}@cegedim.com";
        app.Sink.RefusedSenders[from] = true;
        var message = Answer($"someone-{Guid.NewGuid():N}@partner.example");
        message.From.Clear();
        message.From.Add(MailboxAddress.Parse(from));
        var row = await Enqueue(message, OutboundKind.Correspondence);

        var failed = row;
        await Eventually(async () => (failed = await Row(row.Id)).Status == OutboundStatus.Failed, "the row marked Failed",
            TimeSpan.FromSeconds(20), app);
        Assert.Equal(3, failed.Attempts);
        Assert.Matches("^5[0-9][0-9] ", failed.LastError);
    }

    [Fact]
    public async Task Header_injection_is_refused_and_nothing_is_queued()
    {
        await using var scope = app.Scope();
        var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
        var outbox = scope.ServiceProvider.GetRequiredService<MailOutbox>();

        // A subject whose raw value carries a line that is not a continuation: a second header.
        var subject = Answer("victim@partner.example");
        subject.Headers[HeaderId.Subject] = "placeholder";
        subject.Headers.First(h => h.Id == HeaderId.Subject).SetRawValue(Encoding.ASCII.GetBytes(" Hello\r\nBcc: x@y\r\n"));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(subject, OutboundKind.AutoReply, null, null, null, Ct));
        Assert.Contains("Subject header", error.Message);
        Assert.Contains("header injection", error.Message);

        var custom = Answer("victim@partner.example");
        custom.Headers.Add("X-Reference", "2026-0042");
        custom.Headers.First(h => h.Field == "X-Reference").SetRawValue(Encoding.ASCII.GetBytes(" 2026-0042\nBcc: x@y\n"));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(custom, OutboundKind.AutoReply, null, null, null, Ct));

        var part = Answer("victim@partner.example");
        part.Body!.Headers.Add("Content-Description", "x");
        part.Body.Headers.First(h => h.Field == "Content-Description").SetRawValue(Encoding.ASCII.GetBytes(" x\r\nBcc: x@y\r\n"));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(part, OutboundKind.AutoReply, null, null, null, Ct));

        var name = Answer("victim@partner.example");
        name.To.Clear();
        name.To.Add(new MailboxAddress("Victim\r\nBcc: x@y", "victim@partner.example"));
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(name, OutboundKind.AutoReply, null, null, null, Ct));

        var nul = Answer("victim@partner.example", "nul \0 byte");
        await Assert.ThrowsAsync<ArgumentException>(() => outbox.EnqueueAsync(nul, OutboundKind.AutoReply, null, null, null, Ct));

        Assert.Empty(db.ChangeTracker.Entries<OutboundMessage>());

        // MimeKit's string setters unfold what they are given: "\r\nBcc: x@y" in a subject set that
        // way stays inside the Subject header, so the stored bytes carry no Bcc header at all.
        var unfolded = await outbox.EnqueueAsync(Answer("victim@partner.example", "Hello\r\nBcc: x@y"), OutboundKind.AutoReply, null, null, null, Ct);
        var bytes = Encoding.ASCII.GetString(await app.Blob(unfolded.Sha256));
        Assert.DoesNotContain("\nBcc:", bytes, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\r\nSubject: HelloBcc: x@y\r\n", bytes);
        db.ChangeTracker.Clear();

        // A long non-ASCII subject is folded and encoded by the serialiser: that is not an injection.
        var folded = Answer("reader@partner.example", string.Concat(Enumerable.Repeat("Signalement reçu, numéro de suivi ", 8)));
        var row = await outbox.EnqueueAsync(folded, OutboundKind.Correspondence, null, null, null, Ct);
        Assert.StartsWith("Signalement reçu", row.Subject);
        // Never saved: the row is not in the database, and the mailer has nothing to send.
        await using var other = app.Scope();
        Assert.False(await other.ServiceProvider.GetRequiredService<VigieDb>().OutboundMessages.AnyAsync(m => m.Id == row.Id, Ct));
    }

    [Fact]
    public async Task The_last_auto_reply_to_a_sender_is_known_for_the_24_hour_rule()
    {
        var key = $"Repeat-{Guid.NewGuid():N}@Partner.example";
        await using var scope = app.Scope();
        var outbox = scope.ServiceProvider.GetRequiredService<MailOutbox>();
        Assert.Null(await outbox.LastAutoReplyToAsync(key, Ct));

        await Enqueue(Answer(key), OutboundKind.Correspondence, key); // an analyst's mail does not count
        Assert.Null(await outbox.LastAutoReplyToAsync(key, Ct));

        var first = await Enqueue(Answer(key), OutboundKind.AutoReply, key);
        app.Time.Advance(TimeSpan.FromHours(1));
        var second = await Enqueue(Answer(key), OutboundKind.AutoReply, key);
        Assert.True(second.CreatedAt > first.CreatedAt);
        Assert.Equal(second.CreatedAt, await outbox.LastAutoReplyToAsync(key.ToUpperInvariant(), Ct));
    }
}

public sealed class OutboundMailSqliteTests(RelaySqliteApp app) : OutboundMailTests(app), IClassFixture<RelaySqliteApp>;

public sealed class OutboundMailPostgresTests(RelayPostgresApp app) : OutboundMailTests(app), IClassFixture<RelayPostgresApp>;
