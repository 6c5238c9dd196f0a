using MimeKit;

namespace Vigie.Features.Intake.Answers;

/// <summary>
/// What <see cref="AnswerComposer"/> needs to answer one inbound message. Every string taken from the
/// report (subject, message ids, names) is treated as hostile: the composer cleans it before use.
/// </summary>
/// <param name="Kind">Which answer to compose.</param>
/// <param name="To">Whom we answer: the report's Reply-To, else its From.</param>
/// <param name="OriginalSubject">Subject of the report, as decoded; null or empty when it had none.</param>
/// <param name="OriginalMessageId">Message-ID of the report, without angle brackets; null when it had none.</param>
/// <param name="OriginalReferences">References of the report (ids without brackets, oldest first); empty when none.</param>
/// <param name="IncidentNumber">Tracking number, e.g. <c>2026-0042</c>: required for <see cref="AnswerKind.Acknowledgement"/>, null otherwise.</param>
/// <param name="ConstituentName">Name of the constituent the report was matched to (acknowledgement only).</param>
/// <param name="ReceivedAt">When the report was received.</param>
/// <param name="ResponseDueBy">When the initial response is due (SLA clock), if known; null lets the text give the profile's promise only.</param>
/// <param name="PreferredLanguage">Language detected in the report (<c>fr</c>, <c>en</c>, <c>fr-FR</c>…): it comes first; null keeps the profile's order.</param>
public sealed record AnswerContext(
    AnswerKind Kind,
    MailboxAddress To,
    string? OriginalSubject,
    string? OriginalMessageId,
    IReadOnlyList<string> OriginalReferences,
    string? IncidentNumber,
    string? ConstituentName,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? ResponseDueBy,
    string? PreferredLanguage);
