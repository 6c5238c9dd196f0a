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

/// <summary>
/// Processing status: the raw message is durable from <see cref="Received"/> on. A worker claims a
/// report by moving it to <see cref="Processing"/>; a claim left behind by a crashed node is given
/// back after a lease. <see cref="Failed"/> means the pipeline itself broke (a bug or an outage),
/// not that the message was bad: bad messages are <see cref="Processed"/> and flagged.
/// </summary>
public enum ReportStatus
{
    Received,
    Processing,
    Processed,
    Failed,
}

/// <summary>What a message turned out to be once read.</summary>
public enum ReportKind
{
    /// <summary>Not read yet.</summary>
    Unknown,

    /// <summary>A new incident report (mail to the incident address, form, API).</summary>
    IncidentReport,

    /// <summary>A general request, sent to the general-contact address (RFC 2350 §2.7): no incident.</summary>
    Request,

    /// <summary>A message about an existing incident (subject tag, or a reply to our mail).</summary>
    Reply,

    /// <summary>A delivery status notification about mail we sent (RFC 3464).</summary>
    Bounce,
}

/// <summary>
/// What an analyst decided about a report in the triage queue. Reports start <see cref="Pending"/>;
/// attaching one to an incident makes it <see cref="Linked"/>; the others close it without an incident.
/// </summary>
public enum TriageStatus
{
    Pending,
    Linked,
    Spam,
    Duplicate,

    /// <summary>About someone outside the constituency: the reporter was redirected (RFC 2350 §3.2).</summary>
    NotForUs,

    /// <summary>Handled without an incident (a general request answered, information only).</summary>
    Handled,
}

/// <summary>Whether the message was encrypted, and whether we could read it.</summary>
public enum DecryptionStatus
{
    NotEncrypted,
    Decrypted,
    Failed,
}

/// <summary>The outcome of checking the message's signature (OpenPGP or S/MIME).</summary>
public enum SignatureStatus
{
    NotSigned,

    /// <summary>Valid, made by a key we hold (team keyring or a contact's key).</summary>
    Good,

    /// <summary>Valid only against a key that came with the message itself: proves integrity, not identity.</summary>
    GoodUnverifiedKey,

    /// <summary>The signature does not match the content: altered, or forged.</summary>
    Bad,

    /// <summary>Signed with a key we do not have.</summary>
    UnknownKey,
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

    /// <summary>The analyst's decision in the triage queue (<see cref="TriageStatus"/>).</summary>
    public TriageStatus Triage { get; private set; }

    public string? TriagedBy { get; private set; }

    public DateTimeOffset? TriagedAt { get; private set; }

    /// <summary>For <see cref="TriageStatus.Duplicate"/>: the report this one repeats.</summary>
    public Guid? DuplicateOfId { get; private set; }

    /// <summary>When a worker claimed the report (status <see cref="ReportStatus.Processing"/>).</summary>
    public DateTimeOffset? ClaimedAt { get; private set; }

    /// <summary>Which claim (one batch of one worker) holds the report while it is read.</summary>
    public Guid? ClaimToken { get; private set; }

    public DateTimeOffset? ProcessedAt { get; private set; }

    /// <summary>Why the pipeline failed (status <see cref="ReportStatus.Failed"/>).</summary>
    public string? FailureReason { get; private set; }

    public ReportKind Kind { get; private set; }

    /// <summary>A recognised structured format: <c>arf</c>, <c>xarf</c>, <c>shadowserver</c>, <c>dsn</c>.</summary>
    public string? Format { get; private set; }

    /// <summary>The format's own type (ARF feedback type, X-ARF category, Shadowserver report, DSN action).</summary>
    public string? FormatSubtype { get; private set; }

    /// <summary>Records the format held (ARF: 1; Shadowserver: CSV rows; DSN: failed recipients).</summary>
    public int RecordCount { get; private set; }

    public DecryptionStatus Decryption { get; private set; }

    public string? DecryptionError { get; private set; }

    public SignatureStatus Signature { get; private set; }

    /// <summary><c>pgp-mime</c>, <c>pgp-inline</c> or <c>smime</c>.</summary>
    public string? SignatureKind { get; private set; }

    public string? SignerFingerprint { get; private set; }

    public string? SignerEmail { get; private set; }

    /// <summary>The contact whose key made a <see cref="SignatureStatus.Good"/> signature.</summary>
    public Guid? SignerContactId { get; private set; }

    /// <summary>The readable text (plain parts, or the text of the sanitised HTML), capped.</summary>
    public string? Text { get; private set; }

    /// <summary>The HTML body after sanitising, for display; never the original.</summary>
    public string? Html { get; private set; }

    /// <summary>Readable reasons the message is flagged (malformed, undecryptable, bad signature, archive bomb…).</summary>
    public List<string> Problems { get; private set; } = [];

    /// <summary>True when <see cref="Problems"/> is not empty: an analyst should look.</summary>
    public bool Flagged { get; private set; }

    public Guid? SuggestedConstituentId { get; private set; }

    /// <summary>Why that constituent: "reporter is a contact", "203.0.113.5 is in 203.0.113.0/24"…</summary>
    public string? ConstituentReason { get; private set; }

    /// <summary>RSIT classification (machinetag predicate) suggested by the intake rules.</summary>
    public string? SuggestedClass { get; private set; }

    /// <summary>RSIT type (machinetag value) suggested by the intake rules.</summary>
    public string? SuggestedType { get; private set; }

    /// <summary>The documented rule that made the suggestion (docs/intake-rules.md).</summary>
    public string? SuggestionRule { get; private set; }

    /// <summary>Our mail this one is about (a bounce of it, or a reply to it).</summary>
    public Guid? RelatedOutboundId { get; private set; }

    /// <summary>What intake did about answering: which answer was queued, or why none was.</summary>
    public string? AnswerNote { get; private set; }

    /// <summary>The automatic answer queued for this report; set once, so reprocessing never answers twice.</summary>
    public Guid? AnswerId { get; private set; }

    /// <summary>When the retention purge deleted the raw message from the blob store; what was read from it stays.</summary>
    public DateTimeOffset? RawDeletedAt { get; private set; }

    /// <summary>When the retention purge replaced the sender's personal data by pseudonyms.</summary>
    public DateTimeOffset? PseudonymisedAt { get; private set; }

    /// <summary>The raw message was deleted by the retention purge (the blob store holds it no more).</summary>
    public void MarkRawDeleted(DateTimeOffset now) => RawDeletedAt ??= now.ToUniversalTime();

    /// <summary>The retention purge rewrote the sender's personal data; marks the report so that it is not rewritten again.</summary>
    public void MarkPseudonymised(DateTimeOffset now) => PseudonymisedAt ??= now.ToUniversalTime();

    private readonly List<ReportObservable> _observables = [];

    public IReadOnlyList<ReportObservable> Observables => _observables;

    private readonly List<ReportAttachment> _attachments = [];

    public IReadOnlyList<ReportAttachment> Attachments => _attachments;

    /// <summary>Replaces everything read from the message with a fresh reading (first run or reprocessing).</summary>
    public void RecordReading(ReportReading reading, IEnumerable<ReportObservable> observables,
        IEnumerable<ReportAttachment> attachments, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reading);
        Kind = reading.Kind;
        Format = reading.Format;
        FormatSubtype = reading.FormatSubtype;
        RecordCount = reading.RecordCount;
        Decryption = reading.Decryption;
        DecryptionError = reading.DecryptionError;
        Signature = reading.Signature;
        SignatureKind = reading.SignatureKind;
        SignerFingerprint = reading.SignerFingerprint;
        SignerEmail = reading.SignerEmail;
        SignerContactId = reading.SignerContactId;
        Text = reading.Text;
        Html = reading.Html;
        Problems = [.. reading.Problems];
        Flagged = Problems.Count > 0;
        SuggestedConstituentId = reading.SuggestedConstituentId;
        ConstituentReason = reading.ConstituentReason;
        SuggestedClass = reading.SuggestedClass;
        SuggestedType = reading.SuggestedType;
        SuggestionRule = reading.SuggestionRule;
        RelatedOutboundId = reading.RelatedOutboundId;
        _observables.Clear();
        _observables.AddRange(observables);
        _attachments.Clear();
        _attachments.AddRange(attachments);
        Status = ReportStatus.Processed;
        ProcessedAt = now.ToUniversalTime();
        ClaimedAt = null;
        ClaimToken = null;
        FailureReason = null;
    }

    /// <summary>Notes what was done about an automatic answer (once an answer is queued, it stays).</summary>
    public void RecordAnswer(Guid? answerId, string note)
    {
        AnswerId ??= answerId;
        AnswerNote = note;
    }

    /// <summary>Puts the report back in the queue to be read again (<c>vigie intake reprocess</c>).</summary>
    public void Requeue()
    {
        Status = ReportStatus.Received;
        ClaimedAt = null;
        ClaimToken = null;
        FailureReason = null;
    }

    /// <summary>The pipeline broke on this report; it stays stored, and <c>vigie intake reprocess</c> retries it.</summary>
    public void RecordFailure(string reason)
    {
        Status = ReportStatus.Failed;
        FailureReason = reason.Length > 2000 ? reason[..2000] : reason;
        ClaimedAt = null;
        ClaimToken = null;
    }
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
        Triage = TriageStatus.Linked;
        TriagedBy = actor;
        TriagedAt = now.ToUniversalTime();
        incident.RecordReportLinked(Id, actor, now);
        return null;
    }

    /// <summary>Closes the report without an incident: spam, duplicate, not for us, or handled.</summary>
    public Error? Dismiss(TriageStatus decision, Guid? duplicateOf, string actor, DateTimeOffset now)
    {
        if (decision is TriageStatus.Pending or TriageStatus.Linked)
        {
            return Error.Validation("decision", "A report is dismissed as spam, duplicate, not for us or handled.");
        }
        if (IncidentId is not null)
        {
            return Error.Conflict("already-linked", "The report is attached to an incident; detach it first.");
        }
        if ((decision == TriageStatus.Duplicate) != (duplicateOf is not null))
        {
            return Error.Validation("duplicateOf", "A duplicate names the report it repeats, and only a duplicate does.");
        }
        if (duplicateOf == Id)
        {
            return Error.Validation("duplicateOf", "A report cannot be a duplicate of itself.");
        }
        Triage = decision;
        DuplicateOfId = duplicateOf;
        TriagedBy = actor;
        TriagedAt = now.ToUniversalTime();
        return null;
    }

    /// <summary>Puts a dismissed report back in the queue (a wrong decision is undone, not hidden).</summary>
    public Error? Reopen(string actor, DateTimeOffset now)
    {
        if (IncidentId is not null)
        {
            return Error.Conflict("already-linked", "The report is attached to an incident; detach it instead.");
        }
        Triage = TriageStatus.Pending;
        DuplicateOfId = null;
        TriagedBy = actor;
        TriagedAt = now.ToUniversalTime();
        return null;
    }
}

/// <summary>What reading a message established; recomputable from the raw bytes at any time.</summary>
public sealed record ReportReading(
    ReportKind Kind,
    string? Format,
    string? FormatSubtype,
    int RecordCount,
    DecryptionStatus Decryption,
    string? DecryptionError,
    SignatureStatus Signature,
    string? SignatureKind,
    string? SignerFingerprint,
    string? SignerEmail,
    Guid? SignerContactId,
    string? Text,
    string? Html,
    IReadOnlyList<string> Problems,
    Guid? SuggestedConstituentId,
    string? ConstituentReason,
    string? SuggestedClass,
    string? SuggestedType,
    string? SuggestionRule,
    Guid? RelatedOutboundId);

/// <summary>An indicator found in a report, where it was found, normalised for correlation.</summary>
public sealed class ReportObservable
{
    private ReportObservable()
    {
    }

    public ReportObservable(Guid reportId, Observables.ObservableValue value, bool isPrivateOrReserved, string location, int start, int length)
    {
        Id = Guid.CreateVersion7();
        ReportId = reportId;
        Kind = value.Kind;
        Value = value.Value;
        IsPrivateOrReserved = isPrivateOrReserved;
        Location = location;
        Start = start;
        Length = length;
    }

    public Guid Id { get; private set; }

    public Guid ReportId { get; private set; }

    public Observables.ObservableKind Kind { get; private set; }

    /// <summary>The normalised value (<see cref="Observables.ObservableValue.TryNormalize"/>).</summary>
    public string Value { get; private set; } = "";

    public bool IsPrivateOrReserved { get; private set; }

    /// <summary>Where it was found: <c>subject</c>, <c>text</c>, or <c>record N</c> (a row of a structured report).</summary>
    public string Location { get; private set; } = "";

    /// <summary>Offset in that location's text (for <c>record N</c>: in the record's values joined by newlines).</summary>
    public int Start { get; private set; }

    public int Length { get; private set; }
}

/// <summary>A file that came with a report: stored in the blob store, never opened (archives are only listed).</summary>
public sealed class ReportAttachment
{
    private ReportAttachment()
    {
    }

    public ReportAttachment(Guid reportId, string? fileName, string contentType, long size, string? sha256, string? entries, string? problem)
    {
        Id = Guid.CreateVersion7();
        ReportId = reportId;
        FileName = fileName;
        ContentType = contentType;
        Size = size;
        Sha256 = sha256;
        Entries = entries;
        Problem = problem;
    }

    public Guid Id { get; private set; }

    public Guid ReportId { get; private set; }

    public string? FileName { get; private set; }

    public string ContentType { get; private set; } = "";

    public long Size { get; private set; }

    /// <summary>Blob key of the decoded content; null when it was not stored (over the size limit).</summary>
    public string? Sha256 { get; private set; }

    /// <summary>For archives: the listing (JSON array of path, size, compressed size, depth).</summary>
    public string? Entries { get; private set; }

    public string? Problem { get; private set; }
}
