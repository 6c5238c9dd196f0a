using Microsoft.EntityFrameworkCore;
using MimeKit;
using Vigie.Core;
using Vigie.Data;

namespace Vigie.Features.Mail;

/// <summary>
/// The way into the durable outbound queue. A message is turned into its final bytes here (CRLF,
/// 7-bit safe, Message-ID and Date set, Bcc removed), those bytes go to the blob store, and the
/// queue row is added to the caller's context: the caller saves it in its own transaction, together
/// with whatever the message answers, so a message is queued if and only if that change is saved.
/// </summary>
public sealed class MailOutbox(VigieDb db, BlobStore blobs, TimeProvider time, TeamAddresses team, OutboundSignal signal)
{
    /// <summary>The largest outbound message (the blob store refuses more).</summary>
    public const long MaxMessageBytes = 50L * 1024 * 1024;

    private static readonly FormatOptions s_format = CreateFormat();

    /// <summary>
    /// Writes the MIME bytes (CRLF) to the blob store and ADDS the row to the context WITHOUT saving
    /// (the caller saves, e.g. with the report it answers; the mailer is woken after that save).
    /// Ensures a Message-ID (<c>&lt;guid@team-domain&gt;</c> when missing) and a Date; on
    /// <see cref="OutboundKind.AutoReply"/> ensures <c>Auto-Submitted: auto-replied</c> (RFC 3834 §5).
    /// Envelope: sender = Sender or first From; recipients = To, Cc and Bcc (the Bcc header itself is
    /// removed, RFC 5322 §3.6.3).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A header value holds CR, LF or NUL (header injection), or an address is missing or invalid.
    /// </exception>
    public async Task<OutboundMessage> EnqueueAsync(MimeMessage message, OutboundKind kind, Guid? reportId, Guid? incidentId,
        string? senderKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        RejectInjection(message);

        var sender = message.Sender ?? message.From.Mailboxes.FirstOrDefault()
            ?? throw new ArgumentException("The message has no From (nor Sender) address.", nameof(message));
        var from = Normalize(sender.Address, "sender");
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes)
            .Select(m => Normalize(m.Address, "recipient"))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (recipients.Count == 0)
        {
            throw new ArgumentException("The message has no recipient (To, Cc or Bcc).", nameof(message));
        }
        string? key = null;
        if (senderKey is not null)
        {
            key = Normalize(senderKey, "sender key");
        }

        var now = Instant(time.GetUtcNow());
        if (string.IsNullOrWhiteSpace(message.MessageId))
        {
            message.MessageId = $"{Guid.CreateVersion7(now):N}@{team.Domain}";
        }
        if (!message.Headers.Contains(HeaderId.Date))
        {
            message.Date = now;
        }
        if (kind == OutboundKind.AutoReply && !message.Headers.Contains("Auto-Submitted"))
        {
            message.Headers.Add("Auto-Submitted", "auto-replied");
        }
        message.Headers.RemoveAll(HeaderId.Bcc);
        // 7-bit safe bodies pass any relay unchanged (no 8BITMIME needed), so what is stored is what is sent.
        message.Prepare(EncodingConstraint.SevenBit);

        string sha;
        long size;
        using (var bytes = new MemoryStream())
        {
            await message.WriteToAsync(s_format, bytes, ct);
            bytes.Position = 0;
            (sha, size) = await blobs.PutAsync(bytes, MaxMessageBytes, ct);
        }

        var row = new OutboundMessage
        {
            Id = Guid.CreateVersion7(now),
            CreatedAt = now,
            Kind = kind,
            MessageId = message.MessageId,
            From = from,
            Recipients = string.Join(',', recipients),
            Subject = Clip(message.Subject ?? "", 998),
            Sha256 = sha,
            Size = size,
            Status = OutboundStatus.Queued,
            Attempts = 0,
            NextAttemptAt = now,
            ReportId = reportId,
            IncidentId = incidentId,
            SenderKey = key,
        };
        db.OutboundMessages.Add(row);

        // Wake the mailer once the caller's transaction is saved, not before: until then the row is invisible.
        void OnSaved(object? s, SavedChangesEventArgs e)
        {
            db.SavedChanges -= OnSaved;
            signal.Poke();
        }
        db.SavedChanges += OnSaved;
        return row;
    }

    /// <summary>
    /// When the last automatic answer to <paramref name="senderKey"/> (normalised) was queued, for the
    /// at-most-one-per-24-h rule (RFC 3834 §2: do not flood a correspondent); null if never.
    /// </summary>
    public async Task<DateTimeOffset?> LastAutoReplyToAsync(string senderKey, CancellationToken ct)
    {
        var key = EmailAddress.TryNormalize(senderKey, out var normalized, out _) ? normalized : senderKey;
        return await db.OutboundMessages.AsNoTracking()
            .Where(m => m.SenderKey == key && m.Kind == OutboundKind.AutoReply)
            .OrderByDescending(m => m.CreatedAt)
            .Select(m => (DateTimeOffset?)m.CreatedAt)
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Header injection guard (RFC 5322 §2.2: a header is one logical line; CR and LF appear only as
    /// CRLF followed by white space, i.e. folding). MimeKit's string setters already unfold what
    /// they are given, so the remaining ways in are raw header values (<see cref="Header.SetRawValue"/>),
    /// display names, and NUL characters (also hidden in encoded-words): each is refused, on the
    /// message and on every MIME part, rather than silently repaired.
    /// </summary>
    internal static void RejectInjection(MimeMessage message)
    {
        CheckHeaders(message.Headers, "message");
        using (var parts = new MimeIterator(message))
        {
            while (parts.MoveNext())
            {
                CheckHeaders(parts.Current.Headers, $"part {parts.PathSpecifier}");
            }
        }
        var lists = new[] { message.From, message.ReplyTo, message.To, message.Cc, message.Bcc, message.ResentFrom,
            message.ResentReplyTo, message.ResentTo, message.ResentCc, message.ResentBcc };
        var names = lists.SelectMany(l => l).Concat(new[] { message.Sender, message.ResentSender }.OfType<InternetAddress>())
            .SelectMany(Flatten);
        foreach (var address in names)
        {
            if (HasBreak(address.Name) || (address is MailboxAddress m && HasBreak(m.Address)))
            {
                throw new ArgumentException(
                    $"The address '{address.Name}' contains a line break or a NUL character: refused (header injection).");
            }
        }
    }

    private static IEnumerable<InternetAddress> Flatten(InternetAddress address) =>
        address is GroupAddress group ? group.Members.SelectMany(Flatten).Prepend(group) : [address];

    private static bool HasBreak(string? value) => value is not null && value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0;

    private static void CheckHeaders(HeaderList headers, string where)
    {
        foreach (var header in headers)
        {
            if (!IsOneLogicalLine(header.RawValue) || header.Value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"The {header.Field} header of the {where} contains a line break or a NUL character: refused (header injection).");
            }
        }
    }

    /// <summary>True when every CR/LF in the raw value is folding (followed by SP or HTAB) or the final line end.</summary>
    private static bool IsOneLogicalLine(ReadOnlySpan<byte> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            switch (raw[i])
            {
                case 0:
                    return false;
                case (byte)'\r' when i + 1 >= raw.Length || raw[i + 1] != '\n':
                    return false; // a bare CR
                case (byte)'\n' when i + 1 < raw.Length && raw[i + 1] is not ((byte)' ' or (byte)'\t'):
                    return false; // a new line that is not a continuation
                default:
                    break;
            }
        }
        return true;
    }

    private static string Normalize(string address, string what) =>
        EmailAddress.TryNormalize(address, out var normalized, out var error)
            ? normalized
            : throw new ArgumentException($"Invalid {what} address: {error}");

    private static string Clip(string value, int max) => value.Length > max ? value[..max] : value;

    /// <summary>UTC, truncated to the microsecond (PostgreSQL's precision), as every stored instant.</summary>
    internal static DateTimeOffset Instant(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private static FormatOptions CreateFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.EnsureNewLine = true;
        return format;
    }
}
