namespace Vigie.Features.Mail;

/// <summary>Delivery state of an outbound message.</summary>
public enum OutboundStatus
{
    /// <summary>Waiting for its (next) attempt at <see cref="OutboundMessage.NextAttemptAt"/>.</summary>
    Queued,

    /// <summary>Accepted by the relay.</summary>
    Sent,

    /// <summary>Given up: refused for good by the relay, or <see cref="MailRelayOptions.MaxAttempts"/> reached.</summary>
    Failed,
}

/// <summary>Why a message is sent: decides the <c>Auto-Submitted</c> header (RFC 3834).</summary>
public enum OutboundKind
{
    /// <summary>Sent by Vigie on its own (acknowledgement, redirection): carries <c>Auto-Submitted: auto-replied</c>.</summary>
    AutoReply,

    /// <summary>Written by an analyst.</summary>
    Correspondence,
}

/// <summary>
/// One message in the durable outbound queue. The exact bytes sent live in the blob store under
/// <see cref="Sha256"/>; the row tracks delivery. Written by <see cref="MailOutbox"/>, delivered by
/// <see cref="OutboundMailer"/>.
/// </summary>
public sealed class OutboundMessage
{
    public Guid Id { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public OutboundKind Kind { get; set; }

    /// <summary>The Message-ID header without angle brackets; unique (replies thread on it).</summary>
    public string MessageId { get; set; } = "";

    /// <summary>Envelope sender (MAIL FROM), normalised.</summary>
    public string From { get; set; } = "";

    /// <summary>Envelope recipients (RCPT TO), normalised, comma-separated.</summary>
    public string Recipients { get; set; } = "";

    public string Subject { get; set; } = "";

    /// <summary>SHA-256 of the raw MIME bytes (CRLF) in the blob store: what is sent, byte for byte.</summary>
    public string Sha256 { get; set; } = "";

    public long Size { get; set; }

    public OutboundStatus Status { get; set; }

    /// <summary>Delivery attempts made so far.</summary>
    public int Attempts { get; set; }

    /// <summary>When the next attempt is due (also a lease while a node is sending it).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The relay's last answer or the connection error, for the operator.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The report this message answers, if any.</summary>
    public Guid? ReportId { get; set; }

    /// <summary>The incident this message belongs to, if any.</summary>
    public Guid? IncidentId { get; set; }

    /// <summary>The normalised address answered, for the at-most-one-auto-reply-per-24-h rule.</summary>
    public string? SenderKey { get; set; }

    /// <summary>The envelope recipients as a list.</summary>
    public IReadOnlyList<string> RecipientList() =>
        Recipients.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
