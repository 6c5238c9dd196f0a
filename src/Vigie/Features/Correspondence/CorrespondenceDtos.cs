using Vigie.Core;
using Vigie.Core.Incidents;

namespace Vigie.Features.Correspondence;

/// <summary>What the sharing gate says about a party now (no need-to-know given yet).</summary>
/// <param name="Allowed">Incident content may be sent to the party (given a justification when <paramref name="NeedToKnowRequired"/>).</param>
/// <param name="Reason">The refusal's stable code (docs/correspondence.md), or null.</param>
/// <param name="ReasonText">The reason in English and French.</param>
/// <param name="EncryptionRequired">TLP:AMBER and above: only encrypted mail goes out.</param>
/// <param name="NeedToKnowRequired">TLP:AMBER outside the constituent's organisation: a justification must come with each message.</param>
public sealed record SharingDto(bool Allowed, string? Reason, IReadOnlyDictionary<string, string>? ReasonText, bool EncryptionRequired, bool NeedToKnowRequired);

public sealed record MessageDto(
    Guid Id,
    Guid PartyId,
    string Direction,
    string Status,
    string Subject,
    string Text,
    string Language,
    string Tlp,
    bool Encrypted,
    bool Redacted,
    string? RefusalCode,
    string? NeedToKnow,
    string? Template,
    Guid? OutboundMessageId,
    Guid? ReportId,
    Guid? BatchId,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? AnsweredAt);

public sealed record PartyDto(
    Guid Id,
    string Kind,
    string Name,
    string Email,
    Guid? ContactId,
    Guid? ConstituentId,
    string? ConstituentName,
    bool NamedRecipient,
    bool HasKey,
    SharingDto Sharing,
    IReadOnlyList<MessageDto> Messages,
    string AddedBy,
    DateTimeOffset AddedAt);

public sealed record ConsentDto(Guid Id, Guid ConstituentId, string GivenBy, string Scope, string Value, bool Standing, Guid? IncidentId,
    string RecordedBy, DateTimeOffset RecordedAt, string? Note);

public sealed record CorrespondenceDto(string IncidentNumber, string Tlp, Guid? ConstituentId, IReadOnlyList<PartyDto> Parties, IReadOnlyList<ConsentDto> Consents);

/// <summary>A message to send: to one party (<c>partyId</c>); a template, or a subject and a text (see <see cref="SendRequest"/>).</summary>
public sealed record SendMessageBody(Guid? PartyId, string? Template, string? Language, string? Subject, string? Text, bool? Redact, string? NeedToKnow);

/// <summary>One template to several parties (<c>partyIds</c>), one message each.</summary>
public sealed record NotifyBody(Guid[]? PartyIds, string? Template, string? Language, bool? Redact, string? NeedToKnow);

/// <summary>One line of a bulk notification: queued (<c>messageId</c>), refused (<c>reason</c>), or an error before the gate.</summary>
public sealed record NotifyLineDto(Guid PartyId, string? Email, string Result, Guid? MessageId, string? Reason, IReadOnlyDictionary<string, string>? ReasonText, string? Error);

public sealed record NotifyResultDto(Guid BatchId, IReadOnlyList<NotifyLineDto> Lines);

internal static class CorrespondenceMapping
{
    public static MessageDto ToDto(this MessageView v) => v.Message.ToDto(v.Status, v.SentAt);

    public static MessageDto ToDto(this CorrespondenceMessage m, Core.Sharing.MessageStatus status, DateTimeOffset? sentAt = null) => new(
        m.Id, m.PartyId, EnumWords.ToWord(m.Direction), EnumWords.ToWord(status), m.Subject, m.Text, m.Language, m.Tlp.ToLabel(),
        m.Encrypted, m.Redacted, m.RefusalCode, m.NeedToKnow, m.TemplateKey, m.OutboundMessageId, m.ReportId, m.BatchId,
        m.CreatedBy, m.CreatedAt, sentAt, m.AnsweredAt);

    public static PartyDto ToDto(this PartyView v) => new(
        v.Party.Id, EnumWords.ToWord(v.Party.Kind), v.Party.Name, v.Party.Email, v.Party.ContactId, v.Party.ConstituentId, v.ConstituentName,
        v.Party.NamedRecipient, v.HasKey,
        new SharingDto(v.Preview.Allowed, v.Preview.Code, v.Preview.Code is { } c ? ShareReasons.Both(c) : null, v.Preview.EncryptionRequired, v.NeedToKnowRequired),
        [.. v.Messages.Select(m => m.ToDto())], v.Party.AddedBy, v.Party.AddedAt);

    public static ConsentDto ToDto(this Consent c) => new(
        c.Id, c.ConstituentId, c.GivenBy, EnumWords.ToWord(c.Scope), c.Value, c.IncidentId is null, c.IncidentId, c.RecordedBy, c.RecordedAt, c.Note);
}
