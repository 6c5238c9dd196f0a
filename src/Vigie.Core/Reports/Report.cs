namespace Vigie.Core.Reports;

/// <summary>Where a report came in.</summary>
public enum ReportSource
{
    Api,
    Smtp,
    Imap,
    Import,
    WebForm,
}

/// <summary>Processing status: the raw message is durable from <see cref="Received"/> on.</summary>
public enum ReportStatus
{
    Received,
    Processed,
    Failed,
}

/// <summary>
/// One inbound message. The raw bytes live in the content-addressed blob store under
/// <see cref="Sha256"/> and are never altered; everything else about a report can be recomputed.
/// </summary>
public sealed class Report
{
    private Report()
    {
    }

    public Report(string sha256, long size, string? messageId, string? subject, string? from,
        ReportSource source, string submittedBy, string? recipient, DateTimeOffset receivedAt)
    {
        Recipient = recipient;
        Id = Guid.CreateVersion7(receivedAt);
        Sha256 = sha256;
        Size = size;
        MessageId = messageId;
        Subject = subject;
        From = from;
        Source = source;
        SubmittedBy = submittedBy;
        ReceivedAt = receivedAt.ToUniversalTime();
        Status = ReportStatus.Received;
    }

    public Guid Id { get; private set; }

    /// <summary>Lower-case hex SHA-256 of the raw bytes: the blob key, and half of the idempotency key.</summary>
    public string Sha256 { get; private set; } = "";

    public long Size { get; private set; }

    /// <summary>The Message-ID header without angle brackets, when there is one.</summary>
    public string? MessageId { get; private set; }

    public string? Subject { get; private set; }

    public string? From { get; private set; }

    public ReportSource Source { get; private set; }

    public ReportStatus Status { get; private set; }

    public string SubmittedBy { get; private set; } = "";

    /// <summary>
    /// The team address the message was delivered to (SMTP envelope recipient, or the address an
    /// IMAP mailbox serves), normalised; null when the channel has none (API, import). It decides
    /// whether the message is an incident report or a general request.
    /// </summary>
    public string? Recipient { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public Guid? IncidentId { get; private set; }

    /// <summary>Attaches the report to an incident (and records it on the incident's timeline).</summary>
    public Error? LinkTo(Incidents.Incident incident, string actor, DateTimeOffset now)
    {
        if (IncidentId == incident.Id)
        {
            return null;
        }
        if (IncidentId is not null)
        {
            return Error.Conflict("already-linked", "The report is already attached to another incident.");
        }
        IncidentId = incident.Id;
        incident.RecordReportLinked(Id, actor, now);
        return null;
    }
}
