using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigie.Data;

namespace Vigie.Features.Mail;

/// <summary>
/// Delivers the outbound queue to the configured relay (MailKit): takes Queued rows whose
/// <see cref="OutboundMessage.NextAttemptAt"/> has come, sends exactly the stored bytes, marks them
/// Sent, or schedules a retry (backoff doubling from <see cref="MailRelayOptions.FirstRetry"/>), or
/// marks them Failed (permanent refusal, or <see cref="MailRelayOptions.MaxAttempts"/> reached).
/// Without a relay it logs one warning and leaves mail queued.
/// </summary>
public sealed class OutboundMailer(
    IServiceScopeFactory scopes,
    IOptions<MailRelayOptions> options,
    OutboundSignal signal,
    SecretValues secrets,
    TimeProvider time,
    ILogger<OutboundMailer> logger) : BackgroundService
{
    /// <summary>The queue is looked at least this often, for mail queued by other nodes.</summary>
    public static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(30);

    /// <summary>How long a node owns a message it is sending; after a crash, another attempt follows this lease.</summary>
    public static readonly TimeSpan SendLease = TimeSpan.FromMinutes(10);

    private const int BatchSize = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var relay = options.Value;
        if (!relay.IsConfigured)
        {
            logger.LogWarning("No SMTP relay is configured (Vigie:Mail:Relay:Host): outbound mail stays queued until one is");
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await DeliverDueAsync(relay, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The mailer must outlive a database hiccup.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Outbound mail: the queue could not be read; trying again shortly");
                wait = TimeSpan.FromSeconds(5);
            }
            try
            {
                await signal.WaitAsync(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends every due message; returns how long to wait before looking again.</summary>
    internal async Task<TimeSpan> DeliverDueAsync(MailRelayOptions relay, CancellationToken ct)
    {
        using var client = new SmtpClient();
        try
        {
            while (true)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<VigieDb>();
                var now = MailOutbox.Instant(time.GetUtcNow());
                var due = await db.OutboundMessages
                    .Where(m => m.Status == OutboundStatus.Queued && m.NextAttemptAt <= now)
                    .OrderBy(m => m.NextAttemptAt)
                    .Take(BatchSize)
                    .ToListAsync(ct);
                if (due.Count == 0)
                {
                    var next = await db.OutboundMessages.AsNoTracking()
                        .Where(m => m.Status == OutboundStatus.Queued)
                        .OrderBy(m => m.NextAttemptAt)
                        .Select(m => (DateTimeOffset?)m.NextAttemptAt)
                        .FirstOrDefaultAsync(ct);
                    var until = next is { } at ? at - now : IdlePoll;
                    return until < TimeSpan.Zero ? TimeSpan.Zero : until < IdlePoll ? until : IdlePoll;
                }

                var blobs = scope.ServiceProvider.GetRequiredService<BlobStore>();
                var claimed = 0;
                foreach (var message in due)
                {
                    if (!await ClaimAsync(db, message, now, ct))
                    {
                        continue; // another node took it
                    }
                    claimed++;
                    await SendOneAsync(client, relay, db, blobs, message, ct);
                }
                if (claimed == 0)
                {
                    return TimeSpan.FromSeconds(1); // all taken by other nodes: look again shortly, not in a tight loop
                }
            }
        }
        finally
        {
            if (client.IsConnected)
            {
                try
                {
                    await client.DisconnectAsync(quit: true, CancellationToken.None);
                }
#pragma warning disable CA1031 // A failed QUIT changes nothing: the messages are already settled.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }
    }

    // Optimistic claim: only the node whose UPDATE matched the row it read sends it, and the lease
    // keeps others off while it does. A crash mid-send means one more attempt after the lease
    // (at-least-once delivery, as for any MTA).
    private static async Task<bool> ClaimAsync(VigieDb db, OutboundMessage message, DateTimeOffset now, CancellationToken ct)
    {
        var seen = message.NextAttemptAt;
        var lease = now + SendLease;
        var claimed = await db.OutboundMessages
            .Where(m => m.Id == message.Id && m.Status == OutboundStatus.Queued && m.NextAttemptAt == seen)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, lease), ct);
        if (claimed == 1)
        {
            message.NextAttemptAt = lease;
            db.Entry(message).Property(m => m.NextAttemptAt).OriginalValue = lease;
        }
        return claimed == 1;
    }

    private async Task SendOneAsync(SmtpClient client, MailRelayOptions relay, VigieDb db, BlobStore blobs, OutboundMessage row, CancellationToken ct)
    {
        row.Attempts++;
        try
        {
            if (!client.IsConnected)
            {
                await ConnectAsync(client, relay, ct);
            }
            MimeMessage mime;
            await using (var stream = blobs.OpenRead(row.Sha256))
            {
                mime = await MimeMessage.LoadAsync(stream, ct);
            }
            var sender = MailboxAddress.Parse(row.From);
            var recipients = row.RecipientList().Select(MailboxAddress.Parse).ToList();
            await client.SendAsync(mime, sender, recipients, ct);

            row.Status = OutboundStatus.Sent;
            row.SentAt = MailOutbox.Instant(time.GetUtcNow());
            row.LastError = null;
            logger.LogInformation("Outbound mail {MessageId} sent to {Recipients}", row.MessageId, row.Recipients);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the attempt does not count; the lease expires and the next start sends it.
            row.Attempts--;
            throw;
        }
        catch (Exception e) when (IsPermanent(e))
        {
            row.Status = OutboundStatus.Failed;
            row.LastError = Describe(e);
            logger.LogWarning("Outbound mail {MessageId} refused for good by the relay: {Error}", row.MessageId, row.LastError);
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException
            or AuthenticationException or ServiceNotConnectedException or ServiceNotAuthenticatedException or SslHandshakeException
            or TimeoutException or FileNotFoundException or UnauthorizedAccessException or FormatException)
        {
            row.LastError = Describe(e);
            if (row.Attempts >= relay.MaxAttempts)
            {
                row.Status = OutboundStatus.Failed;
                logger.LogWarning("Outbound mail {MessageId} failed after {Attempts} attempts: {Error}", row.MessageId, row.Attempts, row.LastError);
            }
            else
            {
                row.NextAttemptAt = MailOutbox.Instant(time.GetUtcNow()) + relay.RetryDelay(row.Attempts);
                logger.LogInformation("Outbound mail {MessageId}: attempt {Attempts} failed ({Error}); next at {Next:O}",
                    row.MessageId, row.Attempts, row.LastError, row.NextAttemptAt);
            }
            // After a protocol or connection error the session state is unknown: start a new one.
            if (e is not SmtpCommandException && client.IsConnected)
            {
                await client.DisconnectAsync(quit: false, CancellationToken.None);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task ConnectAsync(SmtpClient client, MailRelayOptions relay, CancellationToken ct)
    {
        MailSecurity.TryParse(relay.Security, out var security);
        await client.ConnectAsync(relay.Host!, relay.Port, security, ct);
        if (!string.IsNullOrWhiteSpace(relay.Username))
        {
            var password = string.IsNullOrWhiteSpace(relay.PasswordFile) ? "" : secrets.Reveal(await SecretFile.ReadAsync(relay.PasswordFile, ct), relay.PasswordFile);
            await client.AuthenticateAsync(relay.Username, password, ct);
        }
    }

    /// <summary>
    /// RFC 5321 §4.2.1: a 5yz reply to the message itself (a recipient, or the content) is permanent
    /// and the request must not be repeated. A 5yz to MAIL FROM or the greeting is usually the
    /// relay's policy or configuration (authentication, relaying denied), which an operator fixes:
    /// retried like a 4yz until MaxAttempts.
    /// </summary>
    private static bool IsPermanent(Exception e) =>
        e is SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted } c
        && (int)c.StatusCode >= 500;

    private static string Describe(Exception e)
    {
        var text = e is SmtpCommandException c ? $"{(int)c.StatusCode} {c.Message}" : $"{e.GetType().Name}: {e.Message}";
        return text.Length > 2000 ? text[..2000] : text;
    }
}
