using Vigie.Core.Incidents;
using Vigie.Core.Sharing;

namespace Vigie.Features.Correspondence;

/// <summary>
/// Someone the team corresponds with about one incident: the reporter, a constituent's contact, an abuse
/// desk, another CSIRT, an authority. One thread per party; the address is unique per incident.
/// </summary>
public sealed class CorrespondenceParty
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    public PartyKind Kind { get; set; }

    public string Name { get; set; } = "";

    /// <summary>Normalised (<see cref="Core.EmailAddress.TryNormalize"/>).</summary>
    public string Email { get; set; } = "";

    /// <summary>The constituent contact this party is, when added from the constituents' contacts.</summary>
    public Guid? ContactId { get; set; }

    /// <summary>The organisation of the party: the constituent of <see cref="ContactId"/> (the sharing gate's "inside").</summary>
    public Guid? ConstituentId { get; set; }

    /// <summary>Named on the incident: the only recipients TLP:RED allows.</summary>
    public bool NamedRecipient { get; set; }

    public string AddedBy { get; set; } = "";

    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>
/// A constituent's consent to share incident information with an address or a domain (RFC 2350 §4.2),
/// for one incident or standing (every incident of that constituent).
/// </summary>
public sealed class Consent
{
    public Guid Id { get; set; }

    /// <summary>The constituent whose information may be shared.</summary>
    public Guid ConstituentId { get; set; }

    /// <summary>Who at the constituent gave it (name, role, how: "Jane Roe, CISO, by phone").</summary>
    public string GivenBy { get; set; } = "";

    public ConsentScopeKind Scope { get; set; }

    /// <summary>Canonical address or domain (<see cref="ConsentScope.Normalize"/>).</summary>
    public string Value { get; set; } = "";

    /// <summary>The incident it is limited to; null for a standing consent.</summary>
    public Guid? IncidentId { get; set; }

    public string RecordedBy { get; set; } = "";

    public DateTimeOffset RecordedAt { get; set; }

    public string? Note { get; set; }

    public bool Covers(string? recipient) => ConsentScope.Covers(Scope, Value, recipient);
}

/// <summary>
/// One message of a thread: sent (through the outbound queue), refused by the sharing gate (nothing
/// sent), or received (a report threaded to the incident). The status shown is
/// <see cref="MessageStatusRules.Effective"/> of <see cref="Status"/> and the outbound row.
/// </summary>
public sealed class CorrespondenceMessage
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    public Guid PartyId { get; set; }

    public MessageDirection Direction { get; set; }

    public string Subject { get; set; } = "";

    /// <summary>The text as sent (after redaction); empty for inbound messages, whose text is the report's.</summary>
    public string Text { get; set; } = "";

    /// <summary><c>fr</c>, <c>en</c> or <c>both</c>.</summary>
    public string Language { get; set; } = "fr";

    /// <summary>The incident's TLP when the message was sent (or refused).</summary>
    public Tlp Tlp { get; set; }

    public bool Encrypted { get; set; }

    /// <summary>Reporter personal data was redacted from the text (<see cref="PersonalData.Redact"/>).</summary>
    public bool Redacted { get; set; }

    public MessageStatus Status { get; set; }

    /// <summary>The gate's reason code when <see cref="MessageStatus.Refused"/>.</summary>
    public string? RefusalCode { get; set; }

    /// <summary>The need-to-know justification a TLP:AMBER share outside the organisation rests on.</summary>
    public string? NeedToKnow { get; set; }

    /// <summary>The template the text came from, if any.</summary>
    public string? TemplateKey { get; set; }

    /// <summary>The queued mail (Features/Mail) of an outgoing message.</summary>
    public Guid? OutboundMessageId { get; set; }

    /// <summary>The report of an incoming message.</summary>
    public Guid? ReportId { get; set; }

    /// <summary>Messages of one bulk notification share it.</summary>
    public Guid? BatchId { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    /// <summary>The report that answered (or bounced) this outgoing message.</summary>
    public Guid? AnswerReportId { get; set; }
}

/// <summary>An edited correspondence template (a default ships in the binary for each key and language).</summary>
public sealed class CorrespondenceTemplate
{
    /// <summary>One of <see cref="CorrespondenceTemplates.Keys"/>.</summary>
    public string Key { get; set; } = "";

    /// <summary><c>fr</c> or <c>en</c>.</summary>
    public string Language { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";

    public string UpdatedBy { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }
}
