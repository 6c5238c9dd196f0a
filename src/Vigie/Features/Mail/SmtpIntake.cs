using System.Buffers;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using Vigie.Core.Reports;
using Vigie.Data;
using Vigie.Features.Reports;

namespace Vigie.Features.Mail;

/// <summary>
/// RCPT TO checks of the listener: only the team's addresses (others: 550), at most
/// <see cref="SmtpListenerOptions.MaxRecipients"/> per transaction (more: 452, the session goes on).
/// </summary>
internal sealed class IntakeMailboxFilter(TeamAddresses addresses, int maxRecipients) : IMailboxFilter
{
    private const string CountKey = "vigie.recipients";

    public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
    {
        // MAIL FROM starts a transaction (RFC 5321 §3.3): its recipient count starts at zero.
        context.Properties[CountKey] = 0;
        return Task.FromResult(true);
    }

    public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
    {
        if (!addresses.TryMatch(to.AsAddress(), out _))
        {
            return Task.FromResult(false); // 550 mailbox unavailable
        }
        var count = context.Properties.TryGetValue(CountKey, out var value) && value is int n ? n : 0;
        if (count >= maxRecipients)
        {
            // RFC 5321 §4.5.3.1.10: a server over its recipient limit MUST answer 452, and the client
            // sends the remaining recipients in another transaction.
            throw new SmtpResponseException(new SmtpServer.Protocol.SmtpResponse(SmtpReplyCode.InsufficientStorage,
                $"4.5.3 Too many recipients (at most {maxRecipients} per message)"));
        }
        context.Properties[CountKey] = count + 1;
        return Task.FromResult(true);
    }
}

/// <summary>
/// End of DATA: the message goes through <see cref="ReportIntake"/> (blob flushed to disk, Report row
/// committed) and only then is 250 answered; any failure answers 451 so the sender retries.
/// </summary>
internal sealed class IntakeMessageStore(IServiceScopeFactory scopes, TeamAddresses addresses, ILogger logger) : MessageStore
{
    // The dot-terminated DATA block ends at "CRLF.CRLF" whose first CRLF ends the last line of the
    // message (RFC 5321 §4.1.1.4); SmtpServer strips it, so it is put back: the stored bytes are the sender's.
    private static readonly ReadOnlyMemory<byte> s_crlf = "\r\n"u8.ToArray();

    public override async Task<SmtpServer.Protocol.SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
        ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        var recipients = new List<string>();
        foreach (var to in transaction.To)
        {
            if (addresses.TryMatch(to.AsAddress(), out var normalized))
            {
                recipients.Add(normalized);
            }
        }
        var recipient = addresses.PickRecipient(recipients);
        var sender = transaction.From is { } from && !string.IsNullOrEmpty(from.User) ? from.AsAddress() : "<>";
        var submittedBy = "smtp:" + sender;
        if (submittedBy.Length > 254)
        {
            submittedBy = submittedBy[..254];
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var intake = scope.ServiceProvider.GetRequiredService<ReportIntake>();
            await using var stream = new SequenceStream(buffer, s_crlf);
            var (report, isNew) = await intake.AcceptAsync(stream, ReportSource.Smtp, submittedBy, recipient, cancellationToken);
            if (!isNew)
            {
                logger.LogInformation("SMTP: message from {Sender} was already stored as report {ReportId}", sender, report.Id);
            }
            return new SmtpServer.Protocol.SmtpResponse(SmtpReplyCode.Ok, $"2.0.0 Stored as report {report.Id}");
        }
        catch (BlobTooLargeException e)
        {
            return new SmtpServer.Protocol.SmtpResponse(SmtpReplyCode.SizeLimitExceeded, $"5.3.4 Message too big (limit {e.Limit} bytes)");
        }
#pragma warning disable CA1031 // Whatever failed, the sender must be told to retry rather than get a 554.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogError(e, "SMTP: could not store a message from {Sender}; answered 451 so that it is sent again", sender);
            return new SmtpServer.Protocol.SmtpResponse(SmtpReplyCode.Aborted, "4.3.0 Temporary failure while storing the message, try again later");
        }
    }
}
